package web

// pageData is one page of a paged list.
type pageData[T any] struct {
	Items  []T
	Cursor string
	Next   string
}

// pagerData is the "first page / next page" bar of a paged list.
type pagerData struct {
	L              *localizer
	Cursor, Next   string
	First, NextURL string
}

// pager builds the bar for a list at base with its filter pairs.
func pager(l *localizer, base, cursor, next string, pairs ...string) pagerData {
	return pagerData{L: l, Cursor: cursor, Next: next, First: link(base, pairs...),
		NextURL: link(base, append(append([]string{}, pairs...), "cursor", next)...)}
}
