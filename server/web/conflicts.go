package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// collections are the synced collections, for the inbox's filter.
var collections = []string{"encounters", "patrols", "persons", "assessments", "interventions", "media"}

var conflictStatuses = []string{core.ConflictOpen, core.ConflictResolved, core.ConflictSuperseded}

// conflictsData is the inbox.
type conflictsData struct {
	Items       []core.Conflict
	Status      string
	Collection  string
	Cursor      string
	Next        string
	Statuses    []string
	Collections []string
	// Back is the inbox's own address, where quick decisions return.
	Back string
}

func (h *Handler) conflicts(c *gin.Context) {
	status := c.DefaultQuery("status", core.ConflictOpen)
	filter := status
	if status == "all" {
		filter = ""
	}
	d := conflictsData{Status: status, Collection: c.Query("collection"), Cursor: c.Query("cursor"),
		Statuses: conflictStatuses, Collections: collections}
	items, next, err := h.cfg.Desk.ListConflicts(c.Request.Context(), principal(c), core.ConflictFilter{
		Status: filter, Collection: d.Collection, Page: core.Page{Limit: 50, Cursor: d.Cursor}})
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Items, d.Next = items, next
	d.Back = link("/admin/conflicts", "status", d.Status, "collection", d.Collection, "cursor", d.Cursor)
	h.render(c, http.StatusOK, "conflicts", view{Title: h.localizer(c).T("conflicts.title"), Nav: "conflicts", Data: d})
}

// fieldRow is one field of the record as it is now, ready to show.
type fieldRow struct {
	Name    string
	Display string
	// Hit marks the field the conflict is about.
	Hit bool
}

// conflictData is the detail view.
type conflictData struct {
	C      core.Conflict
	Fields []fieldRow
	// MapNow links the record's position; MapCurrent and MapOther the
	// position with each competing value, when the conflict is about one.
	MapNow, MapCurrent, MapOther string
	Photos                       []core.MediaItem
	// Devices names the devices of the caller's scope by id.
	Devices map[string]string
	// CustomValue and CustomKind prefill the own-value input.
	CustomValue string
	CustomKind  string
	Note        string
}

func (h *Handler) conflict(c *gin.Context) {
	cf, err := h.cfg.Desk.GetConflict(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showConflict(c, http.StatusOK, cf, "", "", "")
}

func (h *Handler) showConflict(c *gin.Context, status int, cf core.Conflict, problem, detail, note string) {
	l := h.localizer(c)
	d := conflictData{C: cf, Note: note, Devices: map[string]string{}}
	users := map[string]string{}
	if devs, err := h.cfg.Accounts.ListDevices(c.Request.Context(), principal(c)); err == nil {
		for _, dev := range devs {
			d.Devices[dev.ID] = dev.Name
			users[dev.UserID] = dev.Username
		}
	}
	fields, _ := cf.Record.FieldMap()
	for name, v := range fields {
		row := fieldRow{Name: name, Display: l.Value(name, v), Hit: name == cf.Field}
		var id string
		if name == "created_by" && json.Unmarshal(v, &id) == nil && users[id] != "" {
			row.Display = users[id]
		}
		d.Fields = append(d.Fields, row)
	}
	sort.Slice(d.Fields, func(i, j int) bool { return d.Fields[i].Name < d.Fields[j].Name })
	d.MapNow = mapURL(fields["lat"], fields["lon"])
	if cf.Field == "lat" || cf.Field == "lon" {
		d.MapCurrent = positionWith(fields, cf.Field, cf.Current.Value)
		d.MapOther = positionWith(fields, cf.Field, cf.Other.Value)
	}
	d.CustomValue, d.CustomKind = customDefault(cf.Current.Value)
	d.Photos = h.encounterPhotos(c, cf, fields)
	h.render(c, status, "conflict", view{Title: l.T("conflicts.detail"), Nav: "conflicts", Problem: problem, Detail: detail,
		Self: "/admin/conflicts/" + url.PathEscape(cf.ID), Data: d})
}

// positionWith links the record's position with one coordinate replaced.
func positionWith(fields map[string]json.RawMessage, field string, v json.RawMessage) string {
	lat, lon := fields["lat"], fields["lon"]
	if field == "lat" {
		lat = v
	} else {
		lon = v
	}
	return mapURL(lat, lon)
}

// customDefault prefills the own-value input: text as it is, anything
// else as JSON.
func customDefault(v json.RawMessage) (string, string) {
	var s string
	if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
		return s, "text"
	}
	if len(v) == 0 {
		return "", "text"
	}
	return string(v), "json"
}

// customValue reads the own value as the form gives it.
func customValue(text, kind string) (json.RawMessage, error) {
	if kind == "json" {
		text = strings.TrimSpace(text)
		if !json.Valid([]byte(text)) {
			return nil, core.Errorf(syncproto.CodeInvalidField, "the value is not valid JSON")
		}
		return json.RawMessage(text), nil
	}
	b, err := json.Marshal(text)
	return b, err
}

// encounterPhotos finds the photos of the conflict's encounter (or the
// photo itself, for a conflict on a media record).
func (h *Handler) encounterPhotos(c *gin.Context, cf core.Conflict, fields map[string]json.RawMessage) []core.MediaItem {
	encounter := ""
	switch cf.Collection {
	case "encounters":
		encounter = cf.RecordID
	default:
		_ = json.Unmarshal(fields["encounter_id"], &encounter)
	}
	if encounter == "" {
		return nil
	}
	items, _, err := h.cfg.Desk.ListMedia(c.Request.Context(), principal(c), core.MediaFilter{EncounterID: encounter, Page: core.Page{Limit: 24}})
	if err != nil {
		h.log.Warn("listing photos for a conflict", "conflict", cf.ID, "err", err)
	}
	return items
}

// resolve applies the supervisor's decision; a stale or already resolved
// conflict is shown again with the reason.
func (h *Handler) resolve(c *gin.Context) {
	ctx, p, id := c.Request.Context(), principal(c), c.Param("id")
	l := h.localizer(c)
	r := core.Resolution{Resolution: c.PostForm("resolution"), Note: strings.TrimSpace(c.PostForm("note"))}
	var err error
	if r.Resolution == core.Custom {
		r.Value, err = customValue(c.PostForm("value"), c.PostForm("value_kind"))
	}
	if err == nil {
		_, err = h.cfg.Desk.ResolveConflict(ctx, p, id, r)
	}
	if err != nil {
		e, ok := core.AsError(err)
		if !ok {
			h.fail(c, err)
			return
		}
		var problem, detail string
		switch e.Code {
		case syncproto.CodeConflictStale:
			if present, ok := e.Details["present"]; ok {
				raw, _ := json.Marshal(present)
				cf, _ := h.cfg.Desk.GetConflict(ctx, p, id)
				problem = l.T("conflicts.stale", l.Value(cf.Field, raw))
			} else {
				problem = l.T("conflicts.stale_superseded")
			}
		case syncproto.CodeAlreadyResolved:
			problem = l.T("conflicts.already_resolved")
		case syncproto.CodeInvalidField, syncproto.CodeInvalidRequest, syncproto.CodeUnknownField, syncproto.CodeReadOnlyField:
			_, problem, detail = h.explain(c, l, err)
		default:
			h.fail(c, err)
			return
		}
		cf, gerr := h.cfg.Desk.GetConflict(ctx, p, id)
		if gerr != nil {
			h.fail(c, gerr)
			return
		}
		h.showConflict(c, errorStatus(e.Code), cf, problem, detail, r.Note)
		return
	}
	back := localPath(c.PostForm("back"))
	if back == "" {
		back = "/admin/conflicts/" + url.PathEscape(id)
	}
	c.Redirect(http.StatusSeeOther, withParam(back, "msg", "resolved"))
}

// withParam sets one query parameter of a local address.
func withParam(target, k, v string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
