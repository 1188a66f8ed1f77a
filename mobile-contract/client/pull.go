package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"urcsync/syncproto"
)

// PullReport sums up one Pull.
type PullReport struct {
	// Records counts the records received (a record may come twice).
	Records int
	// Pages counts the pages received.
	Pages int
}

// Pull follows the server's cursor until has_more is false, applying every
// page to the replica as it arrives. An interrupted pull resumes where it
// stopped; only a finished one moves Cursor, the base cursor of later local
// changes.
func (c *Client) Pull(ctx context.Context) (PullReport, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	var rep PullReport
	restarted := false
	for {
		err := c.pullPages(ctx, &rep)
		var ae *APIError
		if err == nil {
			return rep, nil
		}
		if !restarted && errors.As(err, &ae) && ae.Status == http.StatusGone && ae.Code == syncproto.CodeCursorExpired {
			restarted = true
			if err := c.restartPull(); err != nil {
				return rep, fmt.Errorf("client: pull: %w", err)
			}
			continue
		}
		if werr := c.afterAuthError(err); werr != nil {
			err = errors.Join(err, werr)
		}
		return rep, fmt.Errorf("client: pull: %w", err)
	}
}

// pullPages pulls from the saved position until the server has no more.
// As soon as a page's position has arrived, the next page is asked for,
// so that the server (and the network's round trip) works while this
// page is received, decoded and stored.
func (c *Client) pullPages(ctx context.Context, rep *PullReport) error {
	cursor, err := getState(c.db, keyPullCursor)
	if err != nil {
		return err
	}
	if cursor == "" {
		if cursor, err = getState(c.db, keyCursor); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends a page asked for ahead when this pull stops
	next := c.fetchPage(ctx, cursor)
	for {
		this := next
		next = nil
		if h := <-this.head; h.HasMore && h.Cursor != "" && h.Cursor != cursor {
			next = c.fetchPage(ctx, h.Cursor)
		}
		got := <-this.page
		if got.err != nil {
			return got.err
		}
		var page syncproto.PullResponse
		if err := jsonv2.Unmarshal(got.body, &page, jsontext.AllowInvalidUTF8(true)); err != nil {
			return fmt.Errorf("GET /v1/sync/pull: decoding answer: %w", err)
		}
		if err := c.applyPage(page); err != nil {
			return err
		}
		rep.Pages++
		rep.Records += len(page.Changes)
		if !page.HasMore {
			return nil
		}
		if page.Cursor == "" || page.Cursor == cursor {
			return fmt.Errorf("server said has_more without moving the cursor")
		}
		if next != nil && next.after != page.Cursor {
			// The page was sent again after its start, and changed.
			next.cancel()
			next = nil
		}
		cursor = page.Cursor
		if next == nil {
			next = c.fetchPage(ctx, cursor)
		}
	}
}

// pageFetch is a pull page being asked for in the background.
type pageFetch struct {
	after  string
	cancel context.CancelFunc
	// head gets the page's position once: when it has arrived at the
	// start of the page (the server writes it first), else a zero head
	// just before page.
	head chan syncproto.PullHead
	page chan fetchedPage
}

// fetchedPage is one pull page's body as received, or why not.
type fetchedPage struct {
	body json.RawMessage
	err  error
}

// fetchPage asks for the page after cursor in the background. The token
// is read here, since the store may be busy storing a page meanwhile.
func (c *Client) fetchPage(ctx context.Context, cursor string) *pageFetch {
	ctx, cancel := context.WithCancel(ctx)
	f := &pageFetch{after: cursor, cancel: cancel, head: make(chan syncproto.PullHead, 1), page: make(chan fetchedPage, 1)}
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	q.Set("limit", strconv.Itoa(c.opt.BatchSize))
	token, _ := getState(c.db, keyToken) // if unread, send reads it again and says why
	go func() {
		told := false
		peek := func(r io.Reader) {
			if h, ok := syncproto.ReadPullHead(r); ok && !told {
				f.head <- h
				told = true
			}
		}
		var got fetchedPage
		got.err = c.send(ctx, apiRequest{method: http.MethodGet, path: "/v1/sync/pull", query: q, auth: true, token: token, peek: peek}, &got.body)
		if !told {
			f.head <- syncproto.PullHead{}
		}
		f.page <- got
	}()
	return f
}

// applyPage applies one page and saves its cursor in one transaction.
func (c *Client) applyPage(page syncproto.PullResponse) error {
	return c.inTx(func(tx *sql.Tx) error {
		for _, rc := range page.Changes {
			id, ok := syncproto.CanonicalUUID(rc.ID)
			if rc.Collection == "" || !ok {
				return fmt.Errorf("pulled record %q/%q: not a valid collection and id", rc.Collection, rc.ID)
			}
			rc.ID = id
			if err := c.observe(tx, rc.HLC); err != nil {
				return fmt.Errorf("pulled record %s/%s: %w", rc.Collection, rc.ID, err)
			}
			if err := applyPulled(tx, rc); err != nil {
				return err
			}
		}
		if err := c.observe(tx, page.ServerHLC); err != nil {
			return fmt.Errorf("server_hlc: %w", err)
		}
		if page.HasMore {
			return setState(tx, keyPullCursor, page.Cursor)
		}
		if err := setState(tx, keyCursor, page.Cursor); err != nil {
			return err
		}
		return deleteState(tx, keyPullCursor)
	})
}

// restartPull discards the replica and both cursors after cursor_expired;
// the outbox's changes are shown again on the empty replica.
func (c *Client) restartPull() error {
	return c.inTx(func(tx *sql.Tx) error {
		if err := deleteState(tx, keyCursor, keyPullCursor); err != nil {
			return err
		}
		return clearReplica(tx)
	})
}
