package blobtest

import (
	"errors"
	"maps"
	"testing"

	"urcsync/server/blob"
)

func testList(t *testing.T, s blob.Store) {
	all := map[string]int64{
		"list/a/1":   1,
		"list/a/2":   2,
		"list/ab/3":  3,
		"list/b/c/4": 4,
		"listx":      5,
		"other/6":    6,
	}
	for k, n := range all {
		put(t, s, k, data(11, int(n)))
	}
	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"list/a/1", "list/a/2", "list/ab/3", "list/b/c/4", "listx", "other/6"}},
		{"list", []string{"list/a/1", "list/a/2", "list/ab/3", "list/b/c/4", "listx"}},
		{"list/", []string{"list/a/1", "list/a/2", "list/ab/3", "list/b/c/4"}},
		{"list/a", []string{"list/a/1", "list/a/2", "list/ab/3"}},
		{"list/a/", []string{"list/a/1", "list/a/2"}},
		{"list/b/c/4", []string{"list/b/c/4"}},
		{"list/b/c/4/", nil},
		{"nothing", nil},
		{"nothing/here/", nil},
	} {
		want := map[string]int64{}
		for _, k := range tc.want {
			want[k] = all[k]
		}
		if got := keys(t, s, tc.prefix); !maps.Equal(got, want) {
			t.Errorf("List(%q) = %v; want %v", tc.prefix, got, want)
		}
	}
}

func testListStops(t *testing.T, s blob.Store) {
	for _, k := range []string{"s/1", "s/2", "s/3", "s/4"} {
		put(t, s, k, []byte(k))
	}
	stop := errors.New("stop here")
	calls := 0
	err := s.List(t.Context(), "s/", func(blob.Info) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("List whose callback fails = %v after %d calls; want the callback's error after 1", err, calls)
	}
}
