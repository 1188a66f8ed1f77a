package imaging

import (
	"bufio"
	"io"
)

// MaxPixels is the largest image the server accepts (protocol §5: 50
// megapixels), judged from the header before any decoding.
const MaxPixels = 50_000_000

// Dimensions reads the width and height of a JPEG, PNG or WebP image from
// its header alone, without decoding pixels; its memory use does not depend
// on the declared size. It returns ErrUnsupported for other bytes. It does
// not apply MaxPixels: the caller compares.
func Dimensions(r io.Reader) (w, h int, err error) {
	defer recoverDecoder(&err)
	br := bufio.NewReaderSize(r, 512)
	ct, err := sniffReader(br)
	if err != nil {
		return 0, 0, err
	}
	cfg, err := decodeConfig(ct, br)
	if err != nil {
		return 0, 0, err
	}
	return cfg.Width, cfg.Height, nil
}
