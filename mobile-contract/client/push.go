package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"urcsync/syncproto"
)

// PushReport sums up one Push.
type PushReport struct {
	// Applied, Duplicate and Rejected count the changes by outcome.
	Applied, Duplicate, Rejected int
	// Results holds the server's result for every answered change, in
	// push order.
	Results []syncproto.PushResult
}

// Push sends the outbox to the server, oldest change first, in batches of
// Options.BatchSize, until it is empty. Applied and duplicate changes leave
// the outbox; rejected ones move to the rejected list. On any error the
// unanswered changes stay in the outbox, unaltered.
func (c *Client) Push(ctx context.Context) (PushReport, error) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	return c.push(ctx)
}

func (c *Client) push(ctx context.Context) (PushReport, error) {
	var rep PushReport
	size := c.opt.BatchSize
	for {
		batch, err := loadPending(c.db, size)
		if err != nil {
			return rep, fmt.Errorf("client: push: %w", err)
		}
		if len(batch) == 0 {
			return rep, nil
		}
		resp, err := c.pushBatch(ctx, batch)
		var ae *APIError
		switch {
		case err == nil:
			if err := c.applyPushAnswer(batch, resp, &rep); err != nil {
				return rep, fmt.Errorf("client: push: %w", err)
			}
		case errors.As(err, &ae) && ae.Status == http.StatusRequestEntityTooLarge && len(batch) > 1:
			size = len(batch) / 2
		case errors.As(err, &ae) && ae.Status == http.StatusRequestEntityTooLarge:
			if err := c.rejectTooLarge(batch[0], ae, &rep); err != nil {
				return rep, fmt.Errorf("client: push: %w", err)
			}
		default:
			if werr := c.afterAuthError(err); werr != nil {
				err = errors.Join(err, werr)
			}
			return rep, fmt.Errorf("client: push: %w", err)
		}
	}
}

// pushBatch sends one batch; resends reuse the same bytes.
func (c *Client) pushBatch(ctx context.Context, batch []pendingChange) (syncproto.PushResponse, error) {
	req := syncproto.PushRequest{DeviceID: c.deviceID, SentAt: formatTime(c.now()), Changes: make([]syncproto.Change, len(batch))}
	for i, p := range batch {
		req.Changes[i] = p.Change
	}
	body, err := json.Marshal(req)
	if err != nil {
		return syncproto.PushResponse{}, fmt.Errorf("encode push: %w", err)
	}
	var resp syncproto.PushResponse
	err = c.send(ctx, apiRequest{method: http.MethodPost, path: "/v1/sync/push", body: body, auth: true}, &resp)
	return resp, err
}

// applyPushAnswer acts on the results of one batch in one transaction.
func (c *Client) applyPushAnswer(batch []pendingChange, resp syncproto.PushResponse, rep *PushReport) error {
	byOp := make(map[string]syncproto.PushResult, len(resp.Results))
	for _, r := range resp.Results {
		byOp[strings.ToLower(r.OpID)] = r
	}
	var answered []syncproto.PushResult
	err := c.inTx(func(tx *sql.Tx) error {
		if err := c.observe(tx, resp.ServerHLC); err != nil {
			return err
		}
		for _, p := range batch {
			res, ok := byOp[p.OpID]
			if !ok {
				continue
			}
			switch res.Status {
			case syncproto.StatusApplied, syncproto.StatusDuplicate:
				if err := c.observe(tx, res.Restamped); err != nil {
					return fmt.Errorf("result of %s: %w", p.OpID, err)
				}
				if err := deletePending(tx, p.OpID); err != nil {
					return err
				}
				if err := applyAccepted(tx, p.Change, res); err != nil {
					return err
				}
			case syncproto.StatusRejected:
				e := syncproto.ChangeError{Code: "rejected"}
				if res.Error != nil {
					e = *res.Error
				}
				if err := moveToRejected(tx, p, e, c.now()); err != nil {
					return err
				}
			default:
				continue
			}
			answered = append(answered, res)
		}
		return nil
	})
	if err != nil {
		return err
	}
	rep.Results = append(rep.Results, answered...)
	for _, r := range answered {
		switch r.Status {
		case syncproto.StatusApplied:
			rep.Applied++
		case syncproto.StatusDuplicate:
			rep.Duplicate++
		case syncproto.StatusRejected:
			rep.Rejected++
		}
	}
	if len(answered) < len(batch) {
		return fmt.Errorf("the answer had no usable result for %d of %d changes", len(batch)-len(answered), len(batch))
	}
	return nil
}

// rejectTooLarge keeps a single change the server refused as too large in
// the rejected list, so that it does not block the outbox.
func (c *Client) rejectTooLarge(p pendingChange, ae *APIError, rep *PushReport) error {
	e := syncproto.ChangeError{Code: ae.Code, Message: ae.Message}
	if e.Code == "" {
		e.Code = syncproto.CodePayloadTooLarge
	}
	err := c.inTx(func(tx *sql.Tx) error { return moveToRejected(tx, p, e, c.now()) })
	if err != nil {
		return err
	}
	rep.Rejected++
	rep.Results = append(rep.Results, syncproto.PushResult{OpID: p.OpID, Status: syncproto.StatusRejected, Error: &e})
	return nil
}
