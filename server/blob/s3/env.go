package s3

import "strings"

// ConfigFromEnv reads URC_S3_ENDPOINT (host:port), URC_S3_BUCKET,
// URC_S3_ACCESS_KEY, URC_S3_SECRET_KEY, URC_S3_REGION and URC_S3_TLS
// ("true", "1", "yes" or "on" enable TLS) through getenv, such as
// os.Getenv. ok is false when URC_S3_ENDPOINT is unset: media then go to
// the local folder.
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool) {
	cfg = Config{
		Endpoint:  strings.TrimSpace(getenv("URC_S3_ENDPOINT")),
		Bucket:    strings.TrimSpace(getenv("URC_S3_BUCKET")),
		AccessKey: getenv("URC_S3_ACCESS_KEY"),
		SecretKey: getenv("URC_S3_SECRET_KEY"),
		Region:    strings.TrimSpace(getenv("URC_S3_REGION")),
	}
	switch strings.ToLower(strings.TrimSpace(getenv("URC_S3_TLS"))) {
	case "true", "1", "yes", "on":
		cfg.UseTLS = true
	}
	return cfg, cfg.Endpoint != ""
}
