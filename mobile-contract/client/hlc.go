package client

import (
	"fmt"

	"urcsync/syncproto"
)

// stamp issues the stamp of a local change and saves it in q's
// transaction.
func (c *Client) stamp(q querier) (syncproto.HLC, error) {
	h := c.clock.Now()
	if err := saveHLC(q, h); err != nil {
		return syncproto.HLC{}, err
	}
	return h, nil
}

// observe merges a received stamp into the clock and saves the result.
// An empty stamp is ignored.
func (c *Client) observe(q querier, s string) error {
	if s == "" {
		return nil
	}
	r, err := syncproto.ParseHLC(s)
	if err != nil {
		return fmt.Errorf("received stamp %q: %w", s, err)
	}
	return saveHLC(q, c.clock.Observe(r))
}
