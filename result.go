package ipintel

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Types shared with package source, so callers need one import.
type (
	Geo         = source.Geo
	Coordinates = source.Coordinates
	Network     = source.Network
	ASN         = source.ASN
	Signal      = source.Signal
	Kind        = source.Kind
)

// Result is everything the Client knows about one address. Its JSON form
// follows the hosted APIs (snake_case sections query, privacy, geo, network,
// monitoring, risk, meta), so consumers of those APIs keep working.
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
	Signals []Signal `json:"signals"`
	Meta    Meta     `json:"meta"`

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

// RequestID identifies one lookup. It is random (not a secret), formatted
// as a version-4 UUID.
type RequestID [16]byte

func newRequestID() RequestID {
	var id RequestID
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		id[i] = byte(hi >> (56 - 8*i))
		id[8+i] = byte(lo >> (56 - 8*i))
	}
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}

// String returns the UUID form, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
func (id RequestID) String() string {
	b, _ := id.MarshalText()
	return string(b)
}

// MarshalText implements encoding.TextMarshaler.
func (id RequestID) MarshalText() ([]byte, error) {
	b := make([]byte, 36)
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return b, nil
}

// UnmarshalText implements encoding.TextUnmarshaler for the UUID form.
func (id *RequestID) UnmarshalText(b []byte) error {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return errors.New("ipintel: request id is not a UUID")
	}
	var raw [32]byte
	n := 0
	for i, c := range b {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		raw[n] = c
		n++
	}
	if _, err := hex.Decode(id[:], raw[:]); err != nil {
		return errors.New("ipintel: request id is not a UUID")
	}
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

// Monitoring reports uptime-monitoring and scanning probes.
type Monitoring struct {
	Detected   bool      `json:"detected"`
	Provider   string    `json:"provider,omitempty"` // "UptimeRobot", "Pingdom"
	Category   string    `json:"category,omitempty"` // "uptime", "scanner"
	Confidence int       `json:"confidence"`
	FirstSeen  time.Time `json:"first_seen,omitzero"`
	LastSeen   time.Time `json:"last_seen,omitzero"`
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

	// Probabilities and confidences, each 0–1.
	FraudProbability            float64 `json:"fraud_probability"`
	BotProbability              float64 `json:"bot_probability"`
	AbuseProbability            float64 `json:"abuse_probability"`
	DatacenterRisk              float64 `json:"datacenter_risk"`
	VPNConfidence               float64 `json:"vpn_confidence"`
	ResidentialTrust            float64 `json:"residential_trust"`
	SyntheticTrafficProbability float64 `json:"synthetic_traffic_probability"`

	// Reasons explain the score: one per kind of signal, largest first.
	Reasons []Reason `json:"reasons"`
}

// Reason is one contribution to the risk score.
type Reason struct {
	// Code is stable across releases: TOR_EXIT, VPN, PUBLIC_PROXY,
	// RESIDENTIAL_PROXY, HOSTING, PRIVATE_RELAY, MONITORING, ABUSE, BOT,
	// PROVIDER_RISK.
	Code        string `json:"code"`
	Kind        Kind   `json:"kind"`
	Description string `json:"description"`
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
	// ResponseTime is how long the lookup took.
	ResponseTime time.Duration `json:"-"`
}

// MarshalJSON adds response_time_ms, the response time in milliseconds.
func (m Meta) MarshalJSON() ([]byte, error) {
	type plain Meta
	return json.Marshal(struct {
		plain
		ResponseTimeMS float64 `json:"response_time_ms"`
	}{plain(m), float64(m.ResponseTime.Nanoseconds()) / 1e6})
}

// UnmarshalJSON reads what MarshalJSON writes; source errors come back as
// *SourceError with the message text only.
func (m *Meta) UnmarshalJSON(b []byte) error {
	type plain Meta
	var v struct {
		plain
		Errors []struct {
			Source string `json:"source"`
			Error  string `json:"error"`
		} `json:"errors"`
		ResponseTimeMS float64 `json:"response_time_ms"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Meta(v.plain)
	m.Errors = nil
	for _, e := range v.Errors {
		m.Errors = append(m.Errors, &SourceError{Source: e.Source, Err: textError(e.Error)})
	}
	m.ResponseTime = time.Duration(v.ResponseTimeMS * 1e6)
	return nil
}

type textError string

func (e textError) Error() string { return string(e) }

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
