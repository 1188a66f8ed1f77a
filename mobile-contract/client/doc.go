// Package client is the reference phone client of sync protocol v1: what a
// phone app does, in Go, so that end-to-end tests and the field simulator
// can act as phones.
//
// All local state lives in one SQLite file (WAL, synchronous=FULL): the
// replica of the records the phone can see, the outbox of local changes not
// yet answered by the server, the changes the server rejected, and small
// state values (device id, last HLC stamp, token, user, pull cursors), and
// the queue of photos waiting for upload. The photos' bytes are copied
// into a directory next to the file (its name plus ".media") and deleted
// once the server has stored them.
//
// Behaviour where the protocol leaves the choice to the phone:
//
//   - The replica keeps two layers per record: the view the officer sees
//     (server state overlaid with local edits) and the last state known to
//     the server. A rejected change is moved to the rejected list and its
//     fields fall back to the server's values, unless another pending
//     change still holds them.
//   - A pulled tombstone marks the record deleted and clears its fields
//     (the server sends none, and a purge must not leave values on the
//     phone); only fields with a pending change keep their local value.
//   - Pull pages are requested with limit = Options.BatchSize.
//   - Retries inside one Push or Pull resend the identical request bytes. A
//     later Push builds its request afresh from the same unaltered changes
//     (same op_ids and content, new sent_at).
//   - A push answered 413 payload_too_large is split in halves; a single
//     change that is still too large is moved to the rejected list with that
//     code, so it cannot block the rest of the outbox.
//   - 401 device_revoked wipes replica, outbox, rejected list, token, user
//     and cursors, and overwrites the freed pages (secure_delete); the
//     device id and the HLC are kept. 401 token_expired, unauthenticated
//     and user_disabled drop the token and keep every local record.
//   - Before a different user logs in, everything pending is pushed with
//     the previous user's token; if that fails the login is refused with
//     ErrPendingChanges. After a different user's login the replica,
//     cursors and rejected list of the previous user are discarded.
//   - Logout drops the local token whatever the server answers.
//   - 410 cursor_expired discards the replica and the cursors, rebuilds
//     the local edits still in the outbox, and pulls from the beginning
//     (once per Pull).
//   - A photo's bytes are uploaded only once the phone knows the server
//     has its media record (the creating push was answered applied or
//     duplicate, or a pull brought the record). Uploads use tus in chunks
//     of Options.ChunkSize; the upload URL is kept in the file, so an
//     upload interrupted by a cut, an error or a restart goes on from the
//     offset the server reports (HEAD). A 404 on creation leaves the
//     photo queued. A refusal (413, 415, 422) or a rejected media record
//     keeps the photo on the phone, listed by RejectedPhotos, and it is
//     not offered again. A storage outage that asks for a longer wait
//     than Options.MaxPhotoWait (5 s) ends UploadMedia with
//     ErrStorageUnavailable, every photo kept queued for the next call.
//   - Sync uploads photos between Push and Pull; a failed upload does not
//     stop the pull. device_revoked also erases the queued photos.
package client
