package ipintel

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/internal/wire"
	"github.com/ipintel/ipintel/source"
)

// Geo and Network are package source's types, under the names of the
// Result fields that hold them.
type (
	Geo     = source.Geo
	Network = source.Network
)

// Result is everything the Client knows about one address. Its JSON form
// is VectraIP's documented response exactly (every documented name, type
// and unit, null where the documentation shows null), plus our own fields
// where they collide with no documented one: see MarshalJSON. Package
// compat renders the other APIs' shapes.
//
// A Result belongs to the caller: the Client never changes it after
// returning it, and cached copies are not shared.
type Result struct {
	Query      Query      `json:"query"`
	Privacy    Privacy    `json:"privacy"`
	Geo        *Geo       `json:"geo"`     // nil when no source knows
	Network    *Network   `json:"network"` // nil when no source knows
	Monitoring Monitoring `json:"monitoring"`
	Risk       Risk       `json:"risk"`
	// Signals is every piece of evidence the sources reported, sorted by
	// kind and then by confidence, highest first: the provenance behind
	// Privacy, Monitoring and Risk.
	Signals []source.Signal `json:"signals"`
	Meta    Meta            `json:"meta"`

	// Storage for Geo and Network, so a Result is one allocation.
	geo     Geo
	network Network
}

// Query describes the lookup itself.
type Query struct {
	IP          netip.Addr  `json:"ip"`
	ProcessedAt time.Time   `json:"processed_at"`
	CacheStatus CacheStatus `json:"cache_status"`
	RequestID   RequestID   `json:"request_id"`
}

// CacheStatus says whether a result came from the Client's cache.
type CacheStatus string

// Cache statuses.
const (
	CacheHit  CacheStatus = "hit"
	CacheMiss CacheStatus = "miss"
)

// CacheDBHit is VectraIP's documented "db_hit" (answered from its database
// rather than its response cache). A Client reports hit or miss; the value
// is here so VectraIP's answers read back and for a shared store to name
// an answer another instance fetched.
const CacheDBHit CacheStatus = "db_hit"

// maxRequestID bounds a request id read from JSON.
const maxRequestID = 64

// RequestID identifies one lookup, as VectraIP's query.request_id does. A
// Client makes them as "req_" and 16 random hex digits (not a secret); one
// read from JSON may be any text up to 64 bytes ("req_a1b2c3d4", a UUID).
// It is a comparable value that costs no allocation; the zero RequestID is
// no id.
type RequestID struct {
	text [maxRequestID]byte
	n    uint8
}

const hexDigits = "0123456789abcdef"

func newRequestID() RequestID {
	var id RequestID
	n := copy(id.text[:], "req_")
	v := rand.Uint64()
	for i := range 16 {
		id.text[n+i] = hexDigits[v>>(60-4*i)&0xf]
	}
	id.n = uint8(n + 16)
	return id
}

// String returns the id's text.
func (id RequestID) String() string { return string(id.text[:id.n]) }

// MarshalText implements encoding.TextMarshaler.
func (id RequestID) MarshalText() ([]byte, error) { return append([]byte(nil), id.text[:id.n]...), nil }

// UnmarshalText implements encoding.TextUnmarshaler: any text up to 64
// bytes; longer text is an error wrapping [source.ErrInvalidInput].
func (id *RequestID) UnmarshalText(b []byte) error {
	if len(b) > maxRequestID {
		return fmt.Errorf("ipintel: %w: request id longer than %d bytes", source.ErrInvalidInput, maxRequestID)
	}
	var v RequestID
	v.n = uint8(copy(v.text[:], b))
	*id = v
	return nil
}

// Privacy summarises the anonymity signals: each flag is set when any
// source reported that kind.
type Privacy struct {
	IsVPN              bool `json:"is_vpn"`
	IsProxy            bool `json:"is_proxy"` // a public or residential proxy
	IsTor              bool `json:"is_tor"`
	IsRelay            bool `json:"is_relay"` // a privacy relay such as iCloud Private Relay
	IsHosting          bool `json:"is_hosting"`
	IsResidentialProxy bool `json:"is_residential_proxy"`
	IsAbuser           bool `json:"is_abuser"`
	IsBot              bool `json:"is_bot"`
	// Provider names the anonymity service (VPN, proxy or relay operator)
	// when a source knows it.
	Provider string `json:"provider,omitempty"`
	// RiskScore repeats Risk.Score, where VPN Signal's consumers expect it.
	RiskScore int `json:"risk_score"`
}

// Monitoring reports uptime-monitoring and scanning probes. In JSON, as
// VectraIP documents, every field but detected is null when unknown and
// confidence is a band: "high" (75 and up), "medium" (40 and up) or "low",
// null when no probe was detected; the number is kept as confidence_score.
type Monitoring struct {
	Detected   bool
	Provider   string // "UptimeRobot", "Pingdom"
	Category   string // "uptime", "scanner"
	Confidence int    // 0–100
	FirstSeen  time.Time
	LastSeen   time.Time
}

// confidenceLevel is Confidence as VectraIP's band: "high" (75 and up),
// "medium" (40 and up), "low", or "" when no probe was detected.
func (m Monitoring) confidenceLevel() string {
	if !m.Detected {
		return ""
	}
	return wire.ConfidenceLevel(m.Confidence)
}

// Level is a band of the risk score.
type Level string

// Risk levels, lowest first.
const (
	LevelLow      Level = "low"
	LevelMedium   Level = "medium"
	LevelHigh     Level = "high"
	LevelCritical Level = "critical"
)

// Recommendation is what to do with a request from the address.
type Recommendation string

// Recommendations.
const (
	Allow  Recommendation = "allow"
	Verify Recommendation = "verify" // step up: CAPTCHA, MFA, manual review
	Block  Recommendation = "block"
)

// Risk is the Scorer's verdict and why.
type Risk struct {
	Score          int            `json:"score"`       // 0 (no risk) – 100
	Level          Level          `json:"level"`       // low, medium, high, critical
	TrustScore     int            `json:"trust_score"` // 100 − Score: higher is safer
	Recommendation Recommendation `json:"recommendation"`

	// Probabilities and confidences, each an int 0–100 as VectraIP
	// documents them.
	FraudProbability            int `json:"fraud_probability"`
	BotProbability              int `json:"bot_probability"`
	AbuseProbability            int `json:"abuse_probability"`
	DatacenterRisk              int `json:"datacenter_risk"`
	VPNConfidence               int `json:"vpn_confidence"`
	ResidentialTrust            int `json:"residential_trust"` // inverse of risk: high for a plain residential address
	SyntheticTrafficProbability int `json:"synthetic_traffic_probability"`

	// Reasons explain the score: one per kind of signal, largest first.
	Reasons []Reason `json:"reasons"`
}

// Reason is one contribution to the risk score.
type Reason struct {
	// Code is stable across releases: TOR_EXIT, VPN, PUBLIC_PROXY,
	// RESIDENTIAL_PROXY, HOSTING, PRIVATE_RELAY, MONITORING, ABUSE, BOT,
	// PROVIDER_RISK.
	Code        string      `json:"code"`
	Kind        source.Kind `json:"kind,omitzero"` // omitted when zero, as Signal.Kind
	Description string      `json:"description"`
	// Source and Provider are those of the strongest signal of this kind.
	Source     string `json:"source"`
	Provider   string `json:"provider,omitempty"`
	Confidence int    `json:"confidence"`
	// Points is this reason's share of Score; the Points of all reasons add
	// up to Score.
	Points int `json:"points"`
}

// Meta describes how the answer was made.
type Meta struct {
	// Found is true when any source had data for the address.
	Found bool `json:"found"`
	// DataSources names the sources that contributed, in WithSources order.
	DataSources []string `json:"data_sources"`
	// Errors lists sources that failed or timed out; the others still
	// answered.
	Errors []*SourceError `json:"errors,omitempty"`
	// ResponseTime is how long the lookup took (JSON: response_time_ms,
	// whole milliseconds).
	ResponseTime time.Duration `json:"-"`
}

// clone returns a deep copy of r that shares nothing mutable with it.
func (r *Result) clone() *Result {
	c := new(Result)
	c.copyFrom(r)
	return c
}

// copyFrom makes r a deep copy of src, reusing the storage of r's slices.
func (r *Result) copyFrom(src *Result) {
	signals, reasons, sources, errs := r.Signals, r.Risk.Reasons, r.Meta.DataSources, r.Meta.Errors
	*r = *src
	if src.Geo != nil {
		r.geo = *src.Geo
		r.Geo = &r.geo
	}
	if src.Network != nil {
		r.network = *src.Network
		r.Network = &r.network
	}
	r.Signals = copyInto(signals, src.Signals)
	r.Risk.Reasons = copyInto(reasons, src.Risk.Reasons)
	r.Meta.DataSources = copyInto(sources, src.Meta.DataSources)
	r.Meta.Errors = copyInto(errs, src.Meta.Errors)
}

// reuse returns s emptied when it can hold n items, else a new slice with
// room for n. It never returns nil, so empty lists are [] in JSON.
func reuse[T any](s []T, n int) []T {
	if s != nil && cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n)
}

// copyInto copies src into dst's storage when it fits, keeping nil as nil.
func copyInto[T any](dst, src []T) []T {
	if src == nil {
		return nil
	}
	return append(reuse(dst, len(src)), src...)
}
