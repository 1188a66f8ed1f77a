package imaging

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fixtureDir holds the photos described in its README.md.
var fixtureDir = filepath.Join("..", "..", "testdata", "photos")

// fixture returns the bytes of a file of testdata/photos.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jakarta is WIB, the server's default zone for EXIF times without offset.
func jakarta(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The fixtures' picture: four coloured quadrants and a white disc in the
// top-left one, so that every mirroring and turn is told apart.
var quadrantColours = map[string]color.RGBA{
	"red":    {220, 40, 40, 255},
	"green":  {40, 180, 60, 255},
	"blue":   {40, 60, 220, 255},
	"yellow": {230, 210, 40, 255},
	"white":  {250, 250, 250, 255},
}

// nearestColour names the fixture colour closest to c.
func nearestColour(c color.Color) string {
	r, g, b, _ := c.RGBA()
	best, bestD := "", 1<<62
	for name, q := range quadrantColours {
		dr, dg, db := int(r>>8)-int(q.R), int(g>>8)-int(q.G), int(b>>8)-int(q.B)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// layout names the colours at the centres of the four quadrants
// (top-left, top-right, bottom-left, bottom-right) and at the disc's place.
func layout(m image.Image) [5]string {
	b := m.Bounds()
	at := func(fx, fy int) string {
		return nearestColour(m.At(b.Min.X+b.Dx()*fx/8, b.Min.Y+b.Dy()*fy/8))
	}
	return [5]string{at(2, 2), at(6, 2), at(2, 6), at(6, 6), at(1, 1)}
}

// upright is the layout of the fixtures' picture seen the right way up.
var upright = [5]string{"red", "green", "blue", "yellow", "white"}

// drawPicture paints the fixtures' picture, w × h, seen upright.
func drawPicture(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := w/8, h/8, h/16
	for y := range h {
		for x := range w {
			name := [4]string{"red", "green", "blue", "yellow"}[boolInt(x >= w/2)+2*boolInt(y >= h/2)]
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
				name = "white"
			}
			m.SetRGBA(x, y, quadrantColours[name])
		}
	}
	return m
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tiffBuilder writes EXIF blocks (TIFF structures) for tests: IFD0, and
// the Exif and GPS IFDs when they have entries, pointed to from IFD0.
type tiffBuilder struct {
	order binary.ByteOrder
	ifd0  []testTag
	exif  []testTag
	gps   []testTag
}

// testTag is one entry; data is the encoded value (any length).
type testTag struct {
	id, typ uint16
	count   uint32
	data    []byte
}

func asciiTag(id uint16, s string) testTag {
	return testTag{id, tiffASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

func (b *tiffBuilder) short(id uint16, v uint16) testTag {
	d := make([]byte, 2)
	b.order.PutUint16(d, v)
	return testTag{id, tiffShort, 1, d}
}

func (b *tiffBuilder) long(id uint16, v uint32) testTag {
	d := make([]byte, 4)
	b.order.PutUint32(d, v)
	return testTag{id, tiffLong, 1, d}
}

// rational encodes num/den pairs.
func (b *tiffBuilder) rational(id uint16, pairs ...uint32) testTag {
	d := make([]byte, 4*len(pairs))
	for i, v := range pairs {
		b.order.PutUint32(d[4*i:], v)
	}
	return testTag{id, tiffRational, uint32(len(pairs) / 2), d}
}

// bytes lays out header, IFD0, Exif IFD, GPS IFD, then the values that do
// not fit in an entry.
func (b *tiffBuilder) bytes() []byte {
	ifd0 := slices.Clone(b.ifd0)
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	n0 := len(ifd0)
	if len(b.exif) > 0 {
		n0++
	}
	if len(b.gps) > 0 {
		n0++
	}
	exifOff := 8 + ifdSize(n0)
	gpsOff := exifOff
	if len(b.exif) > 0 {
		gpsOff += ifdSize(len(b.exif))
	}
	dataOff := gpsOff
	if len(b.gps) > 0 {
		dataOff += ifdSize(len(b.gps))
	}
	if len(b.exif) > 0 {
		ifd0 = append(ifd0, b.long(tagExifIFD, uint32(exifOff)))
	}
	if len(b.gps) > 0 {
		ifd0 = append(ifd0, b.long(tagGPSIFD, uint32(gpsOff)))
	}
	var head, data bytes.Buffer
	if b.order == binary.LittleEndian {
		head.WriteString("II*\x00")
	} else {
		head.WriteString("MM\x00*")
	}
	binary.Write(&head, b.order, uint32(8))
	for _, tags := range [][]testTag{ifd0, b.exif, b.gps} {
		if len(tags) == 0 {
			continue
		}
		tags = slices.Clone(tags)
		slices.SortFunc(tags, func(x, y testTag) int { return int(x.id) - int(y.id) })
		binary.Write(&head, b.order, uint16(len(tags)))
		for _, tg := range tags {
			binary.Write(&head, b.order, tg.id)
			binary.Write(&head, b.order, tg.typ)
			binary.Write(&head, b.order, tg.count)
			if len(tg.data) <= 4 {
				v := make([]byte, 4)
				copy(v, tg.data)
				head.Write(v)
				continue
			}
			binary.Write(&head, b.order, uint32(dataOff+data.Len()))
			data.Write(tg.data)
		}
		binary.Write(&head, b.order, uint32(0))
	}
	return append(head.Bytes(), data.Bytes()...)
}

// jpegSegment is a JPEG marker segment with its length.
func jpegSegment(marker byte, body []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
	return append(s, body...)
}

// jpegWithSegments inserts segments right after the SOI of the JPEG jpg.
func jpegWithSegments(jpg []byte, segments ...[]byte) []byte {
	out := slices.Clone(jpg[:2])
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// pngChunk is a PNG chunk with its length and CRC.
func pngChunk(typ string, body []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	c = append(c, typ...)
	c = append(c, body...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// pngWithChunk inserts chunk after the IHDR of the PNG png.
func pngWithChunk(png, chunk []byte) []byte {
	ihdrEnd := 8 + 8 + 13 + 4
	out := slices.Clone(png[:ihdrEnd])
	out = append(out, chunk...)
	return append(out, png[ihdrEnd:]...)
}
