package media

import (
	"encoding/base64"
	"encoding/hex"
	"strings"

	"urcsync/server/core"
	"urcsync/syncproto"
)

// parseDigest reads the sha-256 member of an RFC 9530 Content-Digest or
// Repr-Digest field (`sha-256=:<base64>:`, possibly among others) and
// returns it as lowercase hex.
func parseDigest(field string) (string, error) {
	for _, member := range strings.Split(field, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(member), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "sha-256") {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) < 2 || value[0] != ':' || value[len(value)-1] != ':' {
			break
		}
		raw, err := base64.StdEncoding.DecodeString(value[1 : len(value)-1])
		if err != nil || len(raw) != 32 {
			break
		}
		return hex.EncodeToString(raw), nil
	}
	return "", core.Errorf(syncproto.CodeInvalidRequest, "send the digest as sha-256=:<base64 of the SHA-256>: (RFC 9530)")
}

// checkDeclared compares what the phone declares (size, digest) with what
// the media record fixed.
func (s *Service) checkDeclared(info core.MediaInfo, size int64, digestHex string) error {
	if size > s.cfg.MaxBytes {
		return core.Errorf(syncproto.CodePayloadTooLarge, "a photo may be at most %d bytes", s.cfg.MaxBytes)
	}
	if size != info.Size || digestHex != info.SHA256 {
		return core.Errorf(syncproto.CodeDigestMismatch, "size or digest differs from the media record's size and sha256")
	}
	return nil
}
