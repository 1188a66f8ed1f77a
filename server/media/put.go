package media

import (
	"context"
	"encoding/json"
	"io"

	"urcsync/server/core"
)

// PutContent stores a whole photo sent in one request (§5 PUT).
func (s *Service) PutContent(ctx context.Context, p core.Principal, id string, body io.Reader, size int64, digest string) (json.RawMessage, bool, error) {
	info, err := s.uploader(ctx, p, id)
	if err != nil {
		return nil, false, err
	}
	want, err := parseDigest(digest)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkDeclared(info, size, want); err != nil {
		return nil, false, err
	}
	defer s.locks.lock(info.ID)()
	if info, err = s.uploader(ctx, p, id); err != nil {
		return nil, false, err
	}
	if info.ContentStatus == core.ContentStored {
		rec, err := s.cfg.Records.MediaRecord(ctx, info.ID)
		return rec, false, err
	}
	rec, err := s.store(ctx, info, body)
	if err != nil {
		return nil, false, err
	}
	return rec, true, nil
}
