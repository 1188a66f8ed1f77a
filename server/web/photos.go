package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
)

var (
	reviewStatuses = []string{core.ReviewPending, core.ReviewApproved, core.ReviewRejected, core.ReviewNeedsRetake}
	mediaFlags     = []string{"location_mismatch", "time_mismatch", "no_exif"}
)

// photo is a photo of the review queue with its record's fields at hand.
type photo struct {
	core.MediaItem
	Fields map[string]json.RawMessage
}

func newPhoto(m core.MediaItem) photo {
	p := photo{MediaItem: m}
	_ = json.Unmarshal(m.Record, &p.Fields)
	return p
}

// Text returns a string field of the record ("" when absent).
func (p photo) Text(name string) string {
	var s string
	_ = json.Unmarshal(p.Fields[name], &s)
	return s
}

// Raw returns a field's JSON.
func (p photo) Raw(name string) json.RawMessage { return p.Fields[name] }

// Map links the phone's position of the photo.
func (p photo) Map() string { return mapURL(p.Fields["lat"], p.Fields["lon"]) }

// ExifMap links the position in the photo's EXIF.
func (p photo) ExifMap() string { return mapURL(p.Fields["exif_lat"], p.Fields["exif_lon"]) }

// reviewFilter is the grid's filter, carried through the large view and
// the review form so that "next" means the next photo of the same list.
type reviewFilter struct {
	Status string
	Flag   string
}

func filterOf(status, flag string) reviewFilter {
	if status == "" {
		status = core.ReviewPending
	}
	return reviewFilter{Status: status, Flag: flag}
}

func (f reviewFilter) media(cursor string, limit int) core.MediaFilter {
	s := f.Status
	if s == "all" {
		s = ""
	}
	return core.MediaFilter{ReviewStatus: s, Flag: f.Flag, Page: core.Page{Limit: limit, Cursor: cursor}}
}

// Grid is the grid's address with this filter.
func (f reviewFilter) Grid() string { return link("/admin/photos", "status", f.Status, "flag", f.Flag) }

// Photo is a large view's address with this filter.
func (f reviewFilter) Photo(id string) string {
	return link("/admin/photos/"+url.PathEscape(id), "status", f.Status, "flag", f.Flag)
}

// photosData is the grid.
type photosData struct {
	Items    []photo
	Filter   reviewFilter
	Cursor   string
	Next     string
	Statuses []string
	Flags    []string
	Back     string
}

func (h *Handler) photos(c *gin.Context) {
	f := filterOf(c.Query("status"), c.Query("flag"))
	d := photosData{Filter: f, Cursor: c.Query("cursor"), Statuses: reviewStatuses, Flags: mediaFlags}
	items, next, err := h.cfg.Desk.ListMedia(c.Request.Context(), principal(c), f.media(d.Cursor, 60))
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, m := range items {
		d.Items = append(d.Items, newPhoto(m))
	}
	d.Next = next
	d.Back = link("/admin/photos", "status", f.Status, "flag", f.Flag, "cursor", d.Cursor)
	h.render(c, http.StatusOK, "photos", view{Title: h.localizer(c).T("photos.title"), Nav: "photos", Data: d})
}

// photoData is the large view.
type photoData struct {
	P          photo
	Filter     reviewFilter
	Prev, Next string
	Note       string
}

// locate finds photo id in the list the filter gives, with the photos
// before and after it.
func (h *Handler) locate(ctx context.Context, p core.Principal, id string, f reviewFilter) (core.MediaPlace, error) {
	return h.cfg.Desk.LocateMedia(ctx, p, id, f.media("", 0))
}

func (h *Handler) photo(c *gin.Context) {
	f := filterOf(c.Query("status"), c.Query("flag"))
	h.showPhoto(c, http.StatusOK, c.Param("id"), f, "", "", "")
}

// showPhoto renders the large view; a photo that left the filtered list
// (just reviewed) is looked up in the whole queue.
func (h *Handler) showPhoto(c *gin.Context, status int, id string, f reviewFilter, problem, detail, note string) {
	ctx, p := c.Request.Context(), principal(c)
	loc, err := h.locate(ctx, p, id, f)
	if err == nil && !loc.Found {
		f = reviewFilter{Status: "all"}
		loc, err = h.locate(ctx, p, id, f)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	if !loc.Found {
		h.fail(c, errNotFound)
		return
	}
	d := photoData{P: newPhoto(loc.Item), Filter: f, Note: note}
	if loc.Prev != "" {
		d.Prev = f.Photo(loc.Prev)
	}
	if loc.Next != "" {
		d.Next = f.Photo(loc.Next)
	}
	h.render(c, status, "photo", view{Title: l.T("photos.large", short(loc.Item.ID)), Nav: "photos",
		Problem: problem, Detail: detail, Self: f.Photo(loc.Item.ID), Data: d})
}

// review records a decision. From the grid's script it answers JSON; from
// a form it goes on to the next photo of the list (or back to the grid).
func (h *Handler) review(c *gin.Context) {
	ctx, p, id := c.Request.Context(), principal(c), c.Param("id")
	f := filterOf(c.PostForm("status"), c.PostForm("flag"))
	fromPhoto := c.PostForm("from") == "photo"
	r := core.Review{Decision: c.PostForm("decision"), Note: strings.TrimSpace(c.PostForm("note"))}
	var next string
	if fromPhoto && !wantsJSON(c) {
		if loc, err := h.locate(ctx, p, id, f); err == nil && loc.Found {
			next = loc.Next
		}
	}
	item, err := h.cfg.Desk.ReviewMedia(ctx, p, id, r)
	l := h.localizer(c)
	if err != nil {
		if fromPhoto && !wantsJSON(c) && errorStatus(core.ErrorCode(err)) == http.StatusBadRequest {
			status, msg, detail := h.explain(c, l, err)
			h.showPhoto(c, status, id, f, msg, detail, r.Note)
			return
		}
		h.fail(c, err)
		return
	}
	if wantsJSON(c) {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, gin.H{"id": item.ID, "review_status": item.ReviewStatus,
			"label": l.Label("review", item.ReviewStatus), "message": l.T("photos.saved", l.Label("review", item.ReviewStatus))})
		return
	}
	target := localPath(c.PostForm("back"))
	switch {
	case fromPhoto && next != "":
		target = f.Photo(next)
	case fromPhoto || target == "":
		target = f.Grid()
	}
	c.Redirect(http.StatusSeeOther, withParam(target, "msg", "reviewed"))
}

// derivative serves a thumbnail or preview through core.Media, under the
// session (the /v1/ addresses need a phone's bearer token).
func (h *Handler) derivative(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.cfg.Media == nil {
			h.fail(c, errNotFound)
			return
		}
		content, err := h.cfg.Media.Derivative(c.Request.Context(), principal(c), strings.ToLower(c.Param("id")), kind)
		if err != nil {
			h.fail(c, err)
			return
		}
		defer content.Body.Close()
		hd := c.Writer.Header()
		hd.Set("Content-Type", content.ContentType)
		hd.Set("Cache-Control", "private, max-age=3600")
		hd.Set("Content-Disposition", "inline")
		http.ServeContent(c.Writer, c.Request, "", content.ModTime, content.Body)
	}
}
