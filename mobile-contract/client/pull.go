package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

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
	for {
		q := url.Values{}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		q.Set("limit", strconv.Itoa(c.opt.BatchSize))
		var page syncproto.PullResponse
		if err := c.send(ctx, apiRequest{method: http.MethodGet, path: "/v1/sync/pull", query: q, auth: true}, &page); err != nil {
			return err
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
		cursor = page.Cursor
	}
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
