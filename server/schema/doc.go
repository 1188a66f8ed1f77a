// Package schema is the server's validator of pushed record fields. It is
// driven only by the collection JSON Schemas of the contract
// (mobile-contract/schemas/*.json): a collection is a schema file, a field
// is one of its properties, and adding a field is a change to that file
// alone.
//
// Each property's subschema is compiled once, at Load, with format
// assertions on (uuid, date-time). Values are accepted loosely and returned
// strictly, in canonical JSON: UUIDs lowercased, times in UTC with
// milliseconds ("2026-11-27T08:15:02.123Z").
//
// Keywords beyond JSON Schema that the registry reads from a property:
// "readOnly": true marks a server-owned field (its "default" is set at
// creation); "x-references": "<collection>" marks a reference to a record
// of that collection.
package schema
