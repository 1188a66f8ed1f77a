package web

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	contract "urcsync/mobile-contract"
)

// TestWebCatalogue: both catalogues have the same keys, the 26 PPKS
// categories carry their Indonesian labels from the domain notes, and
// every key a template names exists.
func TestWebCatalogue(t *testing.T) {
	cat, err := loadCatalog(files)
	if err != nil {
		t.Fatal(err)
	}
	id, en := cat.msgs["id"], cat.msgs["en"]
	for k := range id {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := id[k]; !ok {
			t.Errorf("id.json lacks %q", k)
		}
	}

	codes := contractCategories(t)
	if len(codes) != 26 {
		t.Fatalf("the contract lists %d PPKS categories, want 26", len(codes))
	}
	labels := domainCategories()
	for _, code := range codes {
		label := id["category."+code]
		if label == "" || label == code {
			t.Errorf("category %s has no Indonesian label", code)
		}
		if want, ok := labels[code]; ok && label != want {
			t.Errorf("category %s: id label %q, domain notes say %q", code, label, want)
		}
		if got := en["category."+code]; !strings.Contains(got, label) {
			t.Errorf("category %s: en label %q does not show the Indonesian %q", code, got, label)
		}
	}

	used := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	err = fs.WalkDir(files, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(files, p)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := id[m[1]]; !ok {
				t.Errorf("%s uses %q, which the catalogue lacks", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// contractCategories lists the category codes of the contract's
// encounter schema.
func contractCategories(t *testing.T) []string {
	t.Helper()
	b, err := fs.ReadFile(contract.FS, "schemas/encounters.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Category struct {
				Enum []string `json:"enum"`
			} `json:"category"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	return schema.Properties.Category.Enum
}

// domainCategories reads the labels of the PPKS table in the shared
// domain notes, when they are at hand.
func domainCategories() map[string]string {
	out := map[string]string{}
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "spec", "domain.md"))
	if err != nil {
		return out
	}
	defer f.Close()
	row := regexp.MustCompile(`^\| ([a-z_]+) \| ([^|]+) \|`)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil && m[1] != "code" {
			out[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return out
}

func TestWebLocalizerValues(t *testing.T) {
	cat, err := loadCatalog(files)
	if err != nil {
		t.Fatal(err)
	}
	l := cat.localizer("id")
	for _, c := range []struct{ field, raw, want string }{
		{"category", `"anak_jalanan"`, "Anak Jalanan"},
		{"place_description", `"Pasar <Petisah>"`, "Pasar <Petisah>"},
		{"estimated_age", `11`, "11"},
		{"notes", `null`, "(kosong)"},
		{"joint_agencies", `["satpol_pp","police"]`, "Satpol PP, Polisi"},
		{"flags", `["no_exif"]`, "Tanpa EXIF"},
		{"occurred_at", `"2026-11-20T03:15:00.000Z"`, "20/11/2026 10:15:00"},
	} {
		if got := l.Value(c.field, []byte(c.raw)); got != c.want {
			t.Errorf("Value(%s, %s) = %q, want %q", c.field, c.raw, got, c.want)
		}
	}
	if got := cat.localizer("xx").T("nav.conflicts"); got != "Konflik" {
		t.Errorf("unknown language: %q", got)
	}
	if got := cat.localizer("en").T("login.throttled", 7); got != "Too many failed sign-in attempts. Try again in 7 seconds." {
		t.Errorf("formatted message: %q", got)
	}
}
