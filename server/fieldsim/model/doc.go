// Package model is an independent model of the merge rules of sync
// protocol v1 (§3 "Merge rules"), written from the protocol text alone. It
// replays applied writes in server commit order and predicts, for each
// record, the winning value of every field, the deleted flag, and the
// conflicts the server must record with their status.
//
// Positions are logical: every write carries the position at which the
// server committed it and the position its writer had seen (its base), in
// any units that preserve the server's order. A write is concurrent with
// an earlier one when the two come from different devices and the later
// one's base is before the earlier one's position.
//
// Readings of the protocol where its text leaves room:
//
//   - A field write is judged against the value that holds the field when
//     it arrives (the "winner at that time"), not against every earlier
//     write to the field.
//   - An upsert on a deleted record is edit_on_deleted when it is
//     concurrent with the write that holds the deleted flag.
//   - A delete of a live record is delete_over_edit when fields that hold
//     values written by another phone were written concurrently; the
//     other side is the object of those values, stamped like the one of
//     them that landed last. Server writes never make a delete conflict.
//   - Record-level conflicts share one key per record, so a later
//     record-level conflict supersedes an earlier open one.
//   - Server writes (resolutions, restores) come from the server's node and
//     have seen everything: they never conflict when applied, but a later
//     phone write that had not seen them conflicts with them like with any
//     other device's write.
package model
