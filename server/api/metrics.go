package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"urcsync/syncproto"
)

// metrics are the server's Prometheus series. Labels carry routes,
// statuses and kinds only: never a user, device or team.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.HistogramVec
	pushes      prometheus.Counter
	ops         *prometheus.CounterVec
	conflicts   *prometheus.CounterVec
	pullRecords prometheus.Counter
	mediaBytes  prometheus.Counter
	commitJobs  prometheus.Histogram
	commitTime  prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "urc_http_request_duration_seconds", Help: "HTTP request latency by route, method and status.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12),
		}, []string{"route", "method", "status"}),
		pushes: prometheus.NewCounter(prometheus.CounterOpts{Name: "urc_push_requests_total", Help: "Push requests answered 200."}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "urc_push_ops_total", Help: "Pushed changes by result status.",
		}, []string{"status"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "urc_conflicts_total", Help: "Conflicts recorded by kind.",
		}, []string{"kind"}),
		pullRecords: prometheus.NewCounter(prometheus.CounterOpts{Name: "urc_pull_records_total", Help: "Records sent by pulls."}),
		mediaBytes:  prometheus.NewCounter(prometheus.CounterOpts{Name: "urc_media_stored_bytes_total", Help: "Photo bytes stored by whole-file uploads."}),
		commitJobs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "urc_group_commit_jobs", Help: "Write jobs per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "urc_group_commit_seconds", Help: "Duration of one group commit, fsync included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}),
	}
	for _, st := range []string{syncproto.StatusApplied, syncproto.StatusDuplicate, syncproto.StatusRejected} {
		m.ops.WithLabelValues(st)
	}
	for _, k := range []string{syncproto.ConflictConcurrentEdit, syncproto.ConflictEditOnDeleted, syncproto.ConflictDeleteOverEdit} {
		m.conflicts.WithLabelValues(k)
	}
	reg.MustRegister(m.requests, m.pushes, m.ops, m.conflicts, m.pullRecords, m.mediaBytes, m.commitJobs, m.commitTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(d.Seconds())
}

func (m *metrics) observePush(resp *syncproto.PushResponse) {
	m.pushes.Inc()
	for _, r := range resp.Results {
		m.ops.WithLabelValues(r.Status).Inc()
		for _, c := range r.Conflicts {
			m.conflicts.WithLabelValues(c.Kind).Inc()
		}
	}
}

// ObserveCommit records one group commit; wire it to the store.
func (s *Server) ObserveCommit(jobs int, d time.Duration) {
	s.metrics.commitJobs.Observe(float64(jobs))
	s.metrics.commitTime.Observe(d.Seconds())
}

func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}
