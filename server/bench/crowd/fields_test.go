package crowd

import (
	"encoding/json"
	"math/rand/v2"
	"time"
)

var (
	categories = []string{"anak_jalanan", "gelandangan", "pengemis", "pemulung", "lansia_terlantar", "penyandang_disabilitas"}
	sexes      = []string{"male", "female", "unknown"}
	places     = []string{"Simpang Jalan Gatot Subroto dekat lampu merah", "Depan Pasar Petisah, sisi utara", "Lapangan Merdeka, bawah pohon", "Halte Jalan Ahmad Yani", "Terminal Amplas, pintu masuk", "Bawah jembatan Sungai Deli"}
	conditions = []string{"Kurus, tidak beralas kaki, tampak lelah", "Luka di kaki kiri, belum diobati", "Bicara tidak runtut, gelisah", "Sehat, meminta-minta di lampu merah", "Lanjut usia, sulit berjalan"}
	needs      = []string{"makanan, tempat tinggal sementara", "pengobatan luka", "rujukan ke RSJ", "kursi roda", "pendampingan keluarga"}
	actions    = []string{"shelter", "medical_referral", "returned_to_family", "aid_given", "released_with_advice", "assessment_scheduled"}
	notes      = []string{"Keluarga dihubungi lewat kepala lingkungan", "Menolak dibawa ke panti, akan dikunjungi lagi", "Sudah dua kali ditemui minggu ini", "Dibawa ke puskesmas terdekat"}
)

func pick(rng *rand.Rand, s []string) string { return s[rng.IntN(len(s))] }

// encounterOf returns the fields of a new encounter as an officer records
// it on patrol: the required category and position, and what was seen.
func encounterOf(rng *rand.Rand, patrol string, at time.Time) map[string]json.RawMessage {
	return raw(map[string]any{
		"patrol_id":         patrol,
		"category":          pick(rng, categories),
		"lat":               float64(int64((3.50+rng.Float64()*0.2)*1e6)) / 1e6,
		"lon":               float64(int64((98.60+rng.Float64()*0.2)*1e6)) / 1e6,
		"accuracy_m":        3 + rng.IntN(30),
		"occurred_at":       at.UTC().Add(-time.Duration(rng.IntN(3600)) * time.Second).Format("2006-01-02T15:04:05.000Z"),
		"place_description": pick(rng, places),
		"sex":               pick(rng, sexes),
		"estimated_age":     5 + rng.IntN(80),
		"condition":         pick(rng, conditions),
	})
}

// editOf returns a later correction of an encounter: two or three of its
// descriptive fields.
func editOf(rng *rand.Rand) map[string]json.RawMessage {
	f := map[string]any{"action_taken": pick(rng, actions), "needs": pick(rng, needs)}
	if rng.IntN(2) == 0 {
		f["notes"] = pick(rng, notes)
	} else {
		f["estimated_age"] = 5 + rng.IntN(80)
	}
	return raw(f)
}

func raw(f map[string]any) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(f))
	for k, v := range f {
		out[k], _ = json.Marshal(v)
	}
	return out
}
