// Package imaging judges, measures and renders the photos of protocol §5:
// the type from the bytes, the size from the header, the EXIF fields that
// the server checks (time taken, GPS position, orientation), and the
// metadata-free JPEG thumbnails and previews. Its functions are pure: no
// storage, no HTTP, no state.
//
// Every function here may be handed hostile bytes: none of them panics, and
// none allocates more than the image's declared pixels (which Derive checks
// against MaxPixels before decoding).
package imaging
