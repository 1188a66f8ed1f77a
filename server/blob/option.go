package blob

// PutOption refines a Put.
type PutOption func(*PutOptions)

// PutOptions are what PutOptions say; backends read them with Options.
type PutOptions struct {
	// SHA256 is the raw SHA-256 the bytes must have. A backend that can
	// have the store verify it sends it along (so the transfer itself
	// is checked end to end); the object is refused when the bytes
	// differ.
	SHA256 []byte
}

// WithSHA256 asks the backend to have the bytes checked against sum.
func WithSHA256(sum []byte) PutOption {
	return func(o *PutOptions) { o.SHA256 = sum }
}

// Options collects PutOptions.
func Options(opts []PutOption) PutOptions {
	var o PutOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}
