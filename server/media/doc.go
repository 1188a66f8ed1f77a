// Package media is the photo evidence pipeline of protocol §5: whole-file
// and resumable (tus 1.0.0) uploads streamed and verified into object
// storage, content checks judged by the bytes, EXIF read into the record
// with its flags, metadata-free derivatives, originals for those allowed,
// retention of deleted photos and the sweeper that keeps the store clean.
// It talks to the store only through core.MediaRecords and to bytes only
// through blob.Store.
package media
