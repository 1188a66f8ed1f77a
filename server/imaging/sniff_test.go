package imaging

import "testing"

func TestSniffFixtures(t *testing.T) {
	for name, want := range map[string]string{
		"medan.jpg":        TypeJPEG,
		"medan_offset.jpg": TypeJPEG,
		"far_away.jpg":     TypeJPEG,
		"no_exif.jpg":      TypeJPEG,
		"rotated.jpg":      TypeJPEG,
		"big.jpg":          TypeJPEG,
		"medan.png":        TypePNG,
		"bomb.png":         TypePNG,
		"medan.webp":       TypeWebP,
		"not_an_image.jpg": "",
	} {
		b := fixture(t, name)
		got, ok := Sniff(b[:min(len(b), 512)])
		if got != want || ok != (want != "") {
			t.Errorf("Sniff(%s) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestSniffOther(t *testing.T) {
	jpg := fixture(t, "medan.jpg")
	for _, c := range []struct {
		name string
		head string
		want string
	}{
		{"empty", "", ""},
		{"two JPEG bytes", "\xff\xd8", ""},
		// Sniff judges by the signature alone: the first bytes of a
		// truncated JPEG are a JPEG's, and Dimensions refuses the rest.
		{"truncated JPEG", string(jpg[:64]), TypeJPEG},
		{"JPEG signature only", "\xff\xd8\xff", TypeJPEG},
		{"PNG short of its signature", "\x89PNG\r\n\x1a", ""},
		{"GIF", "GIF89a\x01\x00\x01\x00\x00\x00\x00", ""},
		{"PDF", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ""},
		{"HTML", "<!DOCTYPE html><html>", ""},
		{"BMP", "BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", ""},
		{"RIFF WAVE", "RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"WebP lossless", "RIFF\x24\x00\x00\x00WEBPVP8L", TypeWebP},
		{"WebP extended", "RIFF\x24\x00\x00\x00WEBPVP8X", TypeWebP},
		{"WebP unknown chunk", "RIFF\x24\x00\x00\x00WEBPXXXX", ""},
		{"WebP cut short", "RIFF\x24\x00\x00\x00WEBP", ""},
	} {
		got, ok := Sniff([]byte(c.head))
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: Sniff = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
}
