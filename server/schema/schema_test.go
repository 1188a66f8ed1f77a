package schema_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	contract "urcsync/mobile-contract"
	"urcsync/server/schema"
	"urcsync/syncproto"
)

// categories are the 26 PPKS codes of domain.md.
var categories = []string{
	"anak_balita_terlantar", "anak_terlantar", "anak_berhadapan_hukum", "anak_jalanan",
	"anak_disabilitas", "anak_korban_kekerasan", "anak_perlindungan_khusus", "lansia_terlantar",
	"penyandang_disabilitas", "tuna_susila", "gelandangan", "pengemis", "pemulung",
	"kelompok_minoritas", "bekas_warga_binaan", "odha", "korban_napza", "korban_trafficking",
	"korban_kekerasan", "pekerja_migran_bermasalah", "korban_bencana_alam", "korban_bencana_sosial",
	"perempuan_rawan_sosial_ekonomi", "fakir_miskin", "keluarga_bermasalah_sosial_psikologis",
	"komunitas_adat_terpencil",
}

func load(t testing.TB) *schema.Registry {
	t.Helper()
	r, err := schema.Load(contract.FS)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func q(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func TestCollections(t *testing.T) {
	r := load(t)
	want := []string{"assessments", "encounters", "interventions", "media", "patrols", "persons"}
	if got := r.Collections(); !slices.Equal(got, want) {
		t.Fatalf("Collections() = %v, want %v", got, want)
	}
	for _, c := range want {
		if !r.Has(c) {
			t.Errorf("Has(%q) = false", c)
		}
	}
	if r.Has("users") || r.Has("") {
		t.Error("Has accepts a collection that has no schema")
	}
}

func TestCheckFields(t *testing.T) {
	r := load(t)
	long := strings.Repeat("x", 1<<20)
	tests := []struct {
		name       string
		collection string
		fields     map[string]json.RawMessage
		code       string // empty: accepted
		field      string
		want       map[string]string // canonical values on success
	}{
		{name: "minimal encounter", collection: "encounters",
			fields: map[string]json.RawMessage{"category": q("anak_jalanan"), "lat": raw("3.5952"), "lon": raw("98.6722")},
			want:   map[string]string{"category": `"anak_jalanan"`, "lat": "3.5952", "lon": "98.6722"}},
		{name: "unknown collection", collection: "users", fields: map[string]json.RawMessage{"x": raw("1")},
			code: syncproto.CodeUnknownCollection},
		{name: "unknown field", collection: "encounters", fields: map[string]json.RawMessage{"colour": q("red")},
			code: syncproto.CodeUnknownField, field: "colour"},
		{name: "id is not a field", collection: "encounters", fields: map[string]json.RawMessage{"id": q("0190a8f2-6000-7000-8000-000000000001")},
			code: syncproto.CodeUnknownField, field: "id"},
		{name: "read-only team_id", collection: "encounters", fields: map[string]json.RawMessage{"team_id": q("urc-2")},
			code: syncproto.CodeReadOnlyField, field: "team_id"},
		{name: "read-only created_by as null", collection: "patrols", fields: map[string]json.RawMessage{"created_by": raw("null")},
			code: syncproto.CodeReadOnlyField, field: "created_by"},
		{name: "read-only review_status", collection: "media", fields: map[string]json.RawMessage{"review_status": q("approved")},
			code: syncproto.CodeReadOnlyField, field: "review_status"},
		{name: "read-only exif_lat", collection: "media", fields: map[string]json.RawMessage{"exif_lat": raw("3.5")},
			code: syncproto.CodeReadOnlyField, field: "exif_lat"},
		{name: "read-only flags", collection: "media", fields: map[string]json.RawMessage{"flags": raw("[]")},
			code: syncproto.CodeReadOnlyField, field: "flags"},
		{name: "null clears optional", collection: "encounters",
			fields: map[string]json.RawMessage{"notes": raw("null"), "person_id": raw(" null ")},
			want:   map[string]string{"notes": "null", "person_id": "null"}},
		{name: "null on required", collection: "encounters", fields: map[string]json.RawMessage{"category": raw("null")},
			code: syncproto.CodeInvalidField, field: "category"},
		{name: "lat 91", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw("91")},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "lat -90.0001", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw("-90.0001")},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "lon 180.5", collection: "encounters", fields: map[string]json.RawMessage{"lon": raw("180.5")},
			code: syncproto.CodeInvalidField, field: "lon"},
		{name: "lat and lon at the limits", collection: "encounters",
			fields: map[string]json.RawMessage{"lat": raw("-90"), "lon": raw("180.0")},
			want:   map[string]string{"lat": "-90", "lon": "180"}},
		{name: "lat as string", collection: "encounters", fields: map[string]json.RawMessage{"lat": q("3.59")},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "negative accuracy", collection: "encounters", fields: map[string]json.RawMessage{"accuracy_m": raw("-1")},
			code: syncproto.CodeInvalidField, field: "accuracy_m"},
		{name: "bogus category", collection: "encounters", fields: map[string]json.RawMessage{"category": q("anak_nakal")},
			code: syncproto.CodeInvalidField, field: "category"},
		{name: "category in other case", collection: "persons", fields: map[string]json.RawMessage{"category": q("Pengemis")},
			code: syncproto.CodeInvalidField, field: "category"},
		{name: "ODGJ", collection: "encounters",
			fields: map[string]json.RawMessage{"category": q("penyandang_disabilitas"), "disability_type": q("mental")},
			want:   map[string]string{"category": `"penyandang_disabilitas"`, "disability_type": `"mental"`}},
		{name: "bogus action_taken", collection: "encounters", fields: map[string]json.RawMessage{"action_taken": q("arrested")},
			code: syncproto.CodeInvalidField, field: "action_taken"},
		{name: "huge string", collection: "encounters", fields: map[string]json.RawMessage{"notes": q(long)},
			code: syncproto.CodeInvalidField, field: "notes"},
		{name: "name of 201 characters", collection: "persons", fields: map[string]json.RawMessage{"name": q(strings.Repeat("a", 201))},
			code: syncproto.CodeInvalidField, field: "name"},
		{name: "name of 200 multibyte characters", collection: "persons", fields: map[string]json.RawMessage{"name": q(strings.Repeat("é", 200))},
			want: map[string]string{"name": string(q(strings.Repeat("é", 200)))}},
		{name: "estimated_age 131", collection: "encounters", fields: map[string]json.RawMessage{"estimated_age": raw("131")},
			code: syncproto.CodeInvalidField, field: "estimated_age"},
		{name: "estimated_age fractional", collection: "encounters", fields: map[string]json.RawMessage{"estimated_age": raw("11.5")},
			code: syncproto.CodeInvalidField, field: "estimated_age"},
		{name: "estimated_age 11.0", collection: "encounters", fields: map[string]json.RawMessage{"estimated_age": raw("11.0")},
			want: map[string]string{"estimated_age": "11"}},
		{name: "nik of 15 digits", collection: "persons", fields: map[string]json.RawMessage{"nik": q("127101010101000")},
			code: syncproto.CodeInvalidField, field: "nik"},
		{name: "nik of 16 digits", collection: "persons", fields: map[string]json.RawMessage{"nik": q("1271010101010001")},
			want: map[string]string{"nik": `"1271010101010001"`}},
		{name: "uuid upper case", collection: "encounters",
			fields: map[string]json.RawMessage{"patrol_id": q("0190A8F2-5000-7000-8000-00000000ABCD")},
			want:   map[string]string{"patrol_id": `"0190a8f2-5000-7000-8000-00000000abcd"`}},
		{name: "malformed uuid", collection: "media", fields: map[string]json.RawMessage{"encounter_id": q("0190a8f2500070008000000000000001")},
			code: syncproto.CodeInvalidField, field: "encounter_id"},
		{name: "uuid with braces", collection: "assessments", fields: map[string]json.RawMessage{"person_id": q("{0190a8f2-5000-7000-8000-000000000001}")},
			code: syncproto.CodeInvalidField, field: "person_id"},
		{name: "time with offset and fraction", collection: "encounters",
			fields: map[string]json.RawMessage{"occurred_at": q("2026-11-27T15:15:02.123456789+07:00")},
			want:   map[string]string{"occurred_at": `"2026-11-27T08:15:02.123Z"`}},
		{name: "time without fraction", collection: "patrols",
			fields: map[string]json.RawMessage{"started_at": q("2026-11-27T08:15:02Z")},
			want:   map[string]string{"started_at": `"2026-11-27T08:15:02.000Z"`}},
		{name: "time in lower case, negative offset crossing midnight", collection: "patrols",
			fields: map[string]json.RawMessage{"ended_at": q("2026-12-31t20:30:00.5-05:30")},
			want:   map[string]string{"ended_at": `"2027-01-01T02:00:00.500Z"`}},
		{name: "time with one fraction digit", collection: "media",
			fields: map[string]json.RawMessage{"taken_at": q("2026-11-27T08:15:02.1z")},
			want:   map[string]string{"taken_at": `"2026-11-27T08:15:02.100Z"`}},
		{name: "time without offset", collection: "patrols", fields: map[string]json.RawMessage{"started_at": q("2026-11-27T08:15:02")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "time with space", collection: "patrols", fields: map[string]json.RawMessage{"started_at": q("2026-11-27 08:15:02Z")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "time on 29 February of a common year", collection: "patrols", fields: map[string]json.RawMessage{"started_at": q("2026-02-29T08:15:02Z")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "time with offset +24:00", collection: "patrols", fields: map[string]json.RawMessage{"started_at": q("2026-11-27T08:15:02+24:00")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "time with leap second", collection: "patrols", fields: map[string]json.RawMessage{"started_at": q("2016-12-31T23:59:60Z")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "time as number", collection: "patrols", fields: map[string]json.RawMessage{"started_at": raw("1764230400")},
			code: syncproto.CodeInvalidField, field: "started_at"},
		{name: "joint agencies", collection: "patrols",
			fields: map[string]json.RawMessage{"joint_agencies": raw(`[ "satpol_pp", "health" ]`)},
			want:   map[string]string{"joint_agencies": `["satpol_pp","health"]`}},
		{name: "joint agency repeated", collection: "patrols", fields: map[string]json.RawMessage{"joint_agencies": raw(`["police","police"]`)},
			code: syncproto.CodeInvalidField, field: "joint_agencies"},
		{name: "unknown joint agency", collection: "patrols", fields: map[string]json.RawMessage{"joint_agencies": raw(`["army"]`)},
			code: syncproto.CodeInvalidField, field: "joint_agencies"},
		{name: "too many officers", collection: "patrols", fields: map[string]json.RawMessage{"officers": raw(`[` + strings.Repeat(`"a",`, 30) + `"b"]`)},
			code: syncproto.CodeInvalidField, field: "officers"},
		{name: "sha256 upper case hex", collection: "media", fields: map[string]json.RawMessage{"sha256": q(strings.Repeat("AB", 32))},
			want: map[string]string{"sha256": string(q(strings.Repeat("AB", 32)))}},
		{name: "sha256 too short", collection: "media", fields: map[string]json.RawMessage{"sha256": q(strings.Repeat("a", 63))},
			code: syncproto.CodeInvalidField, field: "sha256"},
		{name: "size zero", collection: "media", fields: map[string]json.RawMessage{"size": raw("0")},
			code: syncproto.CodeInvalidField, field: "size"},
		{name: "size over 4 GiB", collection: "media", fields: map[string]json.RawMessage{"size": raw("4294967297")},
			code: syncproto.CodeInvalidField, field: "size"},
		{name: "gif", collection: "media", fields: map[string]json.RawMessage{"content_type": q("image/gif")},
			code: syncproto.CodeInvalidField, field: "content_type"},
		{name: "intervention type and status", collection: "interventions",
			fields: map[string]json.RawMessage{"type": q("literacy_programme"), "status": q("ongoing")},
			want:   map[string]string{"type": `"literacy_programme"`, "status": `"ongoing"`}},
		{name: "bogus intervention status", collection: "interventions", fields: map[string]json.RawMessage{"status": q("done")},
			code: syncproto.CodeInvalidField, field: "status"},
		{name: "malformed JSON value", collection: "encounters", fields: map[string]json.RawMessage{"notes": raw(`"abc`)},
			code: syncproto.CodeInvalidField, field: "notes"},
		{name: "trailing data", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw(`1 2`)},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "number with leading zero", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw(`01`)},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "number with bare point", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw(`1.`)},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "huge exponent", collection: "encounters", fields: map[string]json.RawMessage{"accuracy_m": raw(`1e400`)},
			code: syncproto.CodeInvalidField, field: "accuracy_m"},
		{name: "string with bad escape", collection: "encounters", fields: map[string]json.RawMessage{"notes": raw(`"\x"`)},
			code: syncproto.CodeInvalidField, field: "notes"},
		{name: "empty value", collection: "encounters", fields: map[string]json.RawMessage{"lat": raw(``)},
			code: syncproto.CodeInvalidField, field: "lat"},
		{name: "first problem in name order", collection: "encounters",
			fields: map[string]json.RawMessage{"zz_unknown": raw("1"), "alias": raw("5"), "team_id": q("x")},
			code:   syncproto.CodeInvalidField, field: "alias"},
		{name: "read-only before unknown in name order", collection: "encounters",
			fields: map[string]json.RawMessage{"zz_unknown": raw("1"), "created_at": q("2026-11-27T08:15:02Z")},
			code:   syncproto.CodeReadOnlyField, field: "created_at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, ferr := r.CheckFields(tc.collection, tc.fields)
			if tc.code != "" {
				if ferr == nil {
					t.Fatalf("accepted %v, want %s", out, tc.code)
				}
				if ferr.Code != tc.code || ferr.Field != tc.field {
					t.Fatalf("got %s on %q, want %s on %q (%s)", ferr.Code, ferr.Field, tc.code, tc.field, ferr.Message)
				}
				if ferr.Message == "" || len(ferr.Message) > 200 {
					t.Fatalf("message of %d bytes: %.300q", len(ferr.Message), ferr.Message)
				}
				if out != nil {
					t.Fatalf("values returned with an error: %v", out)
				}
				return
			}
			if ferr != nil {
				t.Fatalf("rejected: %v", ferr)
			}
			got := map[string]string{}
			for k, v := range out {
				got[k] = string(v)
			}
			if !maps.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAllCategories(t *testing.T) {
	r := load(t)
	if len(categories) != 26 {
		t.Fatalf("%d categories listed", len(categories))
	}
	for _, coll := range []string{"encounters", "persons"} {
		for _, c := range categories {
			if _, ferr := r.CheckFields(coll, map[string]json.RawMessage{"category": q(c)}); ferr != nil {
				t.Errorf("%s: category %s rejected: %v", coll, c, ferr)
			}
		}
	}
}

func TestCanonicalAgreesWithSyncproto(t *testing.T) {
	r := load(t)
	fields := map[string]json.RawMessage{
		"lat":               raw("3.59520"),
		"lon":               raw("9.86722e1"),
		"accuracy_m":        raw("1E1"),
		"notes":             q("<b>&amp;</b> \u00e9 \u2028"),
		"estimated_age":     raw("7"),
		"action_taken":      raw(` "shelter" `),
		"place_description": q("Jl. \"Gatot\" Subroto\n"),
	}
	out, ferr := r.CheckFields("encounters", fields)
	if ferr != nil {
		t.Fatal(ferr)
	}
	for k, v := range fields {
		want, err := syncproto.Canonical(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(out[k]) != string(want) {
			t.Errorf("%s: got %s, syncproto.Canonical gives %s", k, out[k], want)
		}
	}
}

func TestMessagesDoNotEchoInput(t *testing.T) {
	r := load(t)
	secret := "SECRET-" + strings.Repeat("z", 5000)
	cases := []map[string]json.RawMessage{
		{"nik": q(secret)},
		{"sex": q(secret)},
		{"patrol_id": q(secret)},
		{"occurred_at": q(secret)},
		{secret: raw("1")},
	}
	for _, f := range cases {
		coll := "encounters"
		if _, ok := f["nik"]; ok {
			coll = "persons"
		}
		_, ferr := r.CheckFields(coll, f)
		if ferr == nil {
			t.Fatalf("accepted %v", f)
		}
		if strings.Contains(ferr.Message, strings.Repeat("z", 100)) || len(ferr.Message) > 200 || len(ferr.Field) > 80 {
			t.Errorf("error echoes the input: %q / %q", ferr.Field, ferr.Message)
		}
	}
	if _, ferr := r.CheckFields(secret, nil); ferr == nil || ferr.Code != syncproto.CodeUnknownCollection || len(ferr.Message) > 200 {
		t.Errorf("unknown collection: %v", ferr)
	}
}

func TestCheckRequired(t *testing.T) {
	r := load(t)
	tests := []struct {
		collection string
		fields     map[string]json.RawMessage
		code       string
		field      string
	}{
		{"encounters", map[string]json.RawMessage{"category": q("pengemis"), "lat": raw("1"), "lon": raw("2")}, "", ""},
		{"encounters", map[string]json.RawMessage{"category": q("pengemis"), "lon": raw("2")}, syncproto.CodeMissingField, "lat"},
		{"encounters", map[string]json.RawMessage{"category": q("pengemis"), "lat": raw("null"), "lon": raw("2")}, syncproto.CodeMissingField, "lat"},
		{"encounters", map[string]json.RawMessage{"notes": q("x")}, syncproto.CodeMissingField, "category"},
		{"encounters", nil, syncproto.CodeMissingField, "category"},
		{"media", map[string]json.RawMessage{"encounter_id": q("0190a8f2-6000-7000-8000-000000000001"), "sha256": q(strings.Repeat("a", 64)), "size": raw("10")}, syncproto.CodeMissingField, "content_type"},
		{"patrols", map[string]json.RawMessage{"started_at": q("2026-11-27T08:15:02Z")}, "", ""},
		{"patrols", map[string]json.RawMessage{}, syncproto.CodeMissingField, "started_at"},
		{"assessments", map[string]json.RawMessage{"notes": q("x")}, syncproto.CodeMissingField, "person_id"},
		{"interventions", map[string]json.RawMessage{"person_id": q("0190a8f2-8000-7000-8000-000000000001")}, syncproto.CodeMissingField, "type"},
		{"persons", map[string]json.RawMessage{"name": q("Budi")}, syncproto.CodeMissingField, "category"},
		{"nope", map[string]json.RawMessage{}, syncproto.CodeUnknownCollection, ""},
	}
	for _, tc := range tests {
		ferr := r.CheckRequired(tc.collection, tc.fields)
		switch {
		case tc.code == "" && ferr != nil:
			t.Errorf("%s %v: %v", tc.collection, tc.fields, ferr)
		case tc.code != "" && (ferr == nil || ferr.Code != tc.code || ferr.Field != tc.field):
			t.Errorf("%s %v: got %v, want %s on %q", tc.collection, tc.fields, ferr, tc.code, tc.field)
		}
	}
}

func TestReferencesAndDefaults(t *testing.T) {
	r := load(t)
	refs := map[string]map[string]string{
		"encounters":    {"patrol_id": "patrols", "person_id": "persons"},
		"assessments":   {"person_id": "persons", "encounter_id": "encounters"},
		"interventions": {"person_id": "persons", "encounter_id": "encounters"},
		"media":         {"encounter_id": "encounters"},
		"patrols":       {},
		"persons":       {},
		"unknown":       {},
	}
	for c, want := range refs {
		if got := maps.Collect(r.References(c)); !maps.Equal(got, want) {
			t.Errorf("References(%s) = %v, want %v", c, got, want)
		}
	}
	got := map[string]string{}
	for k, v := range r.Defaults("media") {
		got[k] = string(v)
	}
	want := map[string]string{"review_status": `"pending"`, "content_status": `"awaiting_content"`, "flags": `[]`}
	if !maps.Equal(got, want) {
		t.Errorf("Defaults(media) = %v, want %v", got, want)
	}
	if d := r.Defaults("encounters"); len(d) != 0 {
		t.Errorf("Defaults(encounters) = %v", d)
	}
	r.Defaults("media")["flags"][0] = 'x'
	if string(r.Defaults("media")["flags"]) != "[]" {
		t.Error("Defaults shares its values with the caller")
	}
}

func TestCheckRecord(t *testing.T) {
	r := load(t)
	rec := map[string]json.RawMessage{
		"category": q("gelandangan"), "lat": raw("3.5"), "lon": raw("98.6"), "notes": raw("null"),
		"team_id": q("urc-1"), "created_by": q("0190a7e1-0000-7000-8000-00000000A001"),
		"created_at": q("2025-11-27T15:00:00+07:00"), "updated_at": q("2025-11-27T08:00:00.000Z"),
	}
	out, ferr := r.CheckRecord("encounters", rec)
	if ferr != nil {
		t.Fatal(ferr)
	}
	if string(out["created_by"]) != `"0190a7e1-0000-7000-8000-00000000a001"` || string(out["created_at"]) != `"2025-11-27T08:00:00.000Z"` {
		t.Errorf("not canonical: %s %s", out["created_by"], out["created_at"])
	}
	delete(rec, "lon")
	if _, ferr := r.CheckRecord("encounters", rec); ferr == nil || ferr.Code != syncproto.CodeMissingField || ferr.Field != "lon" {
		t.Errorf("missing lon: %v", ferr)
	}
	rec["lon"], rec["extra"] = raw("1"), raw("1")
	if _, ferr := r.CheckRecord("encounters", rec); ferr == nil || ferr.Code != syncproto.CodeUnknownField {
		t.Errorf("unknown field: %v", ferr)
	}
}

func TestFieldError(t *testing.T) {
	e := &schema.FieldError{Code: syncproto.CodeInvalidField, Field: "lat", Message: "lat: must be at most 90"}
	if e.Error() != "invalid_field: lat: must be at most 90" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestLoadRejectsBadSchemas(t *testing.T) {
	good := `{"type":"object","properties":{"a":{"type":"string"}}}`
	tests := map[string]fstest.MapFS{
		"no schemas":       {},
		"not JSON":         {"schemas/x.json": {Data: []byte(`{`)}},
		"not an object":    {"schemas/x.json": {Data: []byte(`{"type":"array"}`)}},
		"bad name":         {"schemas/X-y.json": {Data: []byte(good)}},
		"bad field name":   {"schemas/x.json": {Data: []byte(`{"type":"object","properties":{"A b":{"type":"string"}}}`)}},
		"required missing": {"schemas/x.json": {Data: []byte(`{"type":"object","properties":{"a":{}},"required":["b"]}`)}},
		"required readOnly": {"schemas/x.json": {Data: []byte(
			`{"type":"object","properties":{"a":{"readOnly":true}},"required":["a"]}`)}},
		"dangling reference": {"schemas/x.json": {Data: []byte(
			`{"type":"object","properties":{"a":{"type":"string","x-references":"y"}}}`)}},
		"bad default": {"schemas/x.json": {Data: []byte(
			`{"type":"object","properties":{"a":{"type":"string","readOnly":true,"default":1}}}`)}},
		"bad subschema": {"schemas/x.json": {Data: []byte(`{"type":"object","properties":{"a":{"type":"strang"}}}`)}},
	}
	for name, fsys := range tests {
		if _, err := schema.Load(fsys); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
	if _, err := schema.Load(fstest.MapFS{"schemas/x.json": {Data: []byte(good)}}); err != nil {
		t.Errorf("minimal schema: %v", err)
	}
}

func TestAddingAFieldIsASchemaChange(t *testing.T) {
	b, err := contract.FS.ReadFile("schemas/patrols.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["properties"].(map[string]any)["vehicle"] = map[string]any{"type": "string", "maxLength": 20}
	b2, _ := json.Marshal(doc)
	r, err := schema.Load(fstest.MapFS{"schemas/patrols.json": {Data: b2}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ferr := r.CheckFields("patrols", map[string]json.RawMessage{"vehicle": q("BK 1234 XY")}); ferr != nil {
		t.Errorf("new field rejected: %v", ferr)
	}
	if _, ferr := r.CheckFields("patrols", map[string]json.RawMessage{"vehicle": q(strings.Repeat("x", 21))}); ferr == nil {
		t.Error("new field's maxLength not enforced")
	}
}

func BenchmarkCheckFields(b *testing.B) {
	r := load(b)
	fields := map[string]json.RawMessage{
		"patrol_id":     q("0190A8F2-5000-7000-8000-000000000001"),
		"occurred_at":   q("2026-11-27T15:15:02.123+07:00"),
		"category":      q("anak_jalanan"),
		"lat":           raw("3.5952"),
		"lon":           raw("98.6722"),
		"accuracy_m":    raw("8.5"),
		"sex":           q("male"),
		"estimated_age": raw("11"),
		"condition":     q("Thin, barefoot, asking drivers for money at the traffic light."),
		"action_taken":  q("shelter"),
		"action_notes":  q("Taken to rumah singgah Jl. Sei Batang Hari."),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ferr := r.CheckFields("encounters", fields); ferr != nil {
			b.Fatal(ferr)
		}
	}
}
