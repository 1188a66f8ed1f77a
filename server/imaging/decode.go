package imaging

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// decoders pairs each accepted type with its header and pixel decoders.
// They are called directly, not through image.Decode, so that a format
// registered elsewhere in the program (GIF, BMP...) is never accepted.
var decoders = map[string]struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}{
	TypeJPEG: {jpeg.DecodeConfig, jpeg.Decode},
	TypePNG:  {png.DecodeConfig, png.Decode},
	TypeWebP: {webp.DecodeConfig, webp.Decode},
}

// decodeConfig reads the header of an image of type ct.
func decodeConfig(ct string, r io.Reader) (image.Config, error) {
	d, ok := decoders[ct]
	if !ok {
		return image.Config{}, ErrUnsupported
	}
	cfg, err := d.config(r)
	if err != nil {
		return image.Config{}, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return image.Config{}, fmt.Errorf("imaging: %s header declares %d × %d pixels", ct, cfg.Width, cfg.Height)
	}
	return cfg, nil
}

// decodePixels decodes an image of type ct.
func decodePixels(ct string, r io.Reader) (image.Image, error) {
	d, ok := decoders[ct]
	if !ok {
		return nil, ErrUnsupported
	}
	return d.decode(r)
}

// tooLarge reports whether w × h exceeds MaxPixels.
func tooLarge(w, h int) bool {
	return int64(w)*int64(h) > MaxPixels
}

// recoverDecoder turns a panic of a third-party decoder on hostile bytes
// into an error, so that one bad upload cannot stop the server.
func recoverDecoder(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("imaging: decoder failed on malformed input: %v", p)
	}
}
