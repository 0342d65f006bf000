package feed

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Format is a feed file format. The zero Format means: detect it from the
// content.
type Format uint8

// The formats a feed can be in.
const (
	Detect Format = iota // sniff the content (the zero value)
	// Plain is one entry a line: a bare address, a CIDR prefix or a range
	// "a-b" / "a - b"; "#", ";" and "//" comments (also trailing), blank
	// lines, CRLF and a UTF-8 BOM are accepted; a CSV line counts by its
	// first field. FireHOL .netset/.ipset files and the Tor bulk exit list
	// are Plain.
	Plain
	// TorExitAddresses is TorDNSEL's exit-addresses format (ExitNode,
	// Published, LastStatus, ExitAddress records); each ExitAddress's time
	// becomes the signal's LastSeen.
	TorExitAddresses
	// Geofeed is an RFC 8805 CSV geofeed: prefix,country,region,city,postal.
	// Apple's Private Relay egress-ip-ranges.csv and the DigitalOcean and
	// Linode geofeeds are geofeeds. Each row's location fills Record.Geo.
	Geofeed
	// AWS is Amazon's ip-ranges.json.
	AWS
	// GCP is Google Cloud's cloud.json.
	GCP
	// Azure is a Microsoft Azure Service Tags JSON file.
	Azure
	// Oracle is Oracle Cloud's public_ip_ranges.json.
	Oracle
	// Cloudflare is Cloudflare's /client/v4/ips API response
	// ({"result":{"ipv4_cidrs":[…],"ipv6_cidrs":[…]}}). Its plain-text
	// ips-v4 / ips-v6 lists are Plain.
	Cloudflare
	// Mullvad is Mullvad VPN's relay list, api.mullvad.net/www/relays/…
	// (a JSON array of relays with ipv4_addr_in and ipv6_addr_in); the
	// WireGuard-only list has the same shape.
	Mullvad
	// NordVPN is NordVPN's api.nordvpn.com/v1/servers response (station,
	// ipv6_station and ips[].ip.ip of each server).
	NordVPN
	// ProtonVPN is ProtonVPN's /vpn/logicals response; each physical
	// server's ExitIP is listed. Proton serves it to signed-in clients
	// only, so no catalog preset uses it: see the README.
	ProtonVPN
	// PIA is Private Internet Access's serverlist (vpninfo/servers/v7, and
	// the older v6 of the same shape): a JSON document followed by a
	// signature; every server IP of every protocol is listed.
	PIA
	// Windscribe is Windscribe's server list (serverlist/mob-v2): each
	// group's ping_ip and its nodes' ip, ip2 and ip3 (paid-tier groups may
	// have no nodes).
	Windscribe
	// AirVPN is AirVPN's status API (servers[] with ip_v4_in1–4 and
	// ip_v6_in1–4).
	AirVPN
	// IVPN is IVPN's servers.json (wireguard[] and openvpn[] locations
	// whose hosts[] give the server address host, the V2Ray address v2ray
	// and, for WireGuard, ipv6.host).
	IVPN
	// VPNGate is VPN Gate's public relay list (api/iphone): CSV whose
	// second field is the relay's IP.
	VPNGate
	// Onionoo is the Tor Project's Onionoo details document: relays with
	// the Exit flag, their exit and OR addresses (IPv4 and IPv6), each
	// match carrying the relay's first and last seen times. A relay without
	// a flags field is not taken for an exit: ask for fields=…,flags.
	Onionoo
	maxFormat
)

var formatNames = [...]string{
	Detect:           "detect",
	Plain:            "plain",
	TorExitAddresses: "tor-exit-addresses",
	Geofeed:          "geofeed",
	AWS:              "aws",
	GCP:              "gcp",
	Azure:            "azure",
	Oracle:           "oracle",
	Cloudflare:       "cloudflare",
	Mullvad:          "mullvad",
	NordVPN:          "nordvpn",
	ProtonVPN:        "protonvpn",
	PIA:              "pia",
	Windscribe:       "windscribe",
	AirVPN:           "airvpn",
	IVPN:             "ivpn",
	VPNGate:          "vpngate",
	Onionoo:          "onionoo",
}

// String returns the format's name: "plain", "geofeed", "aws"…
func (f Format) String() string {
	if f < maxFormat {
		return formatNames[f]
	}
	return "format(" + strconv.Itoa(int(f)) + ")"
}

// DefaultConfidence is the confidence of a [Spec] that leaves it zero.
const DefaultConfidence = 80

// DefaultMaxBytes is the size limit of a [Spec] that leaves MaxBytes zero.
const DefaultMaxBytes = 64 << 20

// Spec says what a feed is and how its matches are reported.
type Spec struct {
	// Name identifies the feed: it is Signal.Source of every match and the
	// Source name of a lone [Feed]. Required.
	Name string
	// Kind is what a match says about the address: source.VPN, source.Tor,
	// source.Hosting, source.Monitoring… Required.
	Kind source.Kind
	// Provider is Signal.Provider of every match: "AWS", "UptimeRobot".
	Provider string
	// Category is Signal.Category of every match in a list format. The
	// cloud formats set it per entry to "service/region" instead (see
	// [AWS]), prefixed by Category when both are set.
	Category string
	// Format is the file format; zero detects it from the content.
	Format Format
	// Confidence is Signal.Confidence, 1–100; zero means
	// [DefaultConfidence].
	Confidence int
	// MaxBytes limits how much of a file or response is read; a larger
	// feed is refused with [source.ErrTooLarge], as is one whose ranges expand
	// to more prefixes than it has bytes. Zero means [DefaultMaxBytes].
	MaxBytes int64
	// AllowShortPrefixes accepts IPv4 prefixes shorter than /8 and IPv6
	// prefixes shorter than /16. Without it a feed that contains one is
	// refused as poisoned: one 0.0.0.0/0 would flag every address.
	AllowShortPrefixes bool
	// MaxShrink is the largest fraction of its prefixes a reload may lose
	// before it is refused as poisoned. Zero means [DefaultMaxShrink]; 1 or
	// more turns the check off.
	MaxShrink float64
}

// DefaultMaxShrink is the MaxShrink of a [Spec] that leaves it zero.
const DefaultMaxShrink = 0.5

func (s Spec) maxShrink() float64 {
	if s.MaxShrink <= 0 {
		return DefaultMaxShrink
	}
	return s.MaxShrink
}

func (s Spec) confidence() int {
	if s.Confidence == 0 {
		return DefaultConfidence
	}
	return s.Confidence
}

func (s Spec) maxBytes() int64 {
	if s.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return s.MaxBytes
}

func (s Spec) validate() error {
	switch {
	case strings.TrimSpace(s.Name) == "":
		return fmt.Errorf("%w: empty Name", errInvalidSpec)
	case !s.Kind.Valid():
		return fmt.Errorf("%w: %s: invalid Kind %v", errInvalidSpec, s.Name, s.Kind)
	case s.Format >= maxFormat:
		return fmt.Errorf("%w: %s: unknown %v", errInvalidSpec, s.Name, s.Format)
	case s.Confidence < 0 || s.Confidence > 100:
		return fmt.Errorf("%w: %s: Confidence %d outside 0–100", errInvalidSpec, s.Name, s.Confidence)
	case s.MaxBytes < 0:
		return fmt.Errorf("%w: %s: MaxBytes %d: must be 0 or more", errInvalidSpec, s.Name, s.MaxBytes)
	case !(s.MaxShrink >= 0): // NaN too
		return fmt.Errorf("%w: %s: MaxShrink %v: must be 0 or more", errInvalidSpec, s.Name, s.MaxShrink)
	}
	return nil
}

// Errors wrap the shared kinds of package source; check them with
// errors.Is. Load and refresh failures come as an [*Error] that wraps one of
// them:
//
//   - [source.ErrInvalidOption]: a [Spec] or option that cannot be used;
//   - [source.ErrMalformed]: content not in the format the spec names (or,
//     for JSON, not valid JSON), or with nothing usable (empty, or every
//     line malformed);
//   - [source.ErrTooLarge]: a file or response bigger than Spec.MaxBytes;
//   - [source.ErrPoisoned]: a (re)load refused because it looked poisoned:
//     a too-short prefix, or a collapse in size against the last good copy;
//     the last good table stays in use;
//   - [source.ErrUnavailable]: downloading the feed failed (network error,
//     HTTP status, deadline) after the retries, or a feed opened with a
//     start-up budget has no data yet (its first download goes on in the
//     background);
//   - [source.ErrClosed]: the feed or set has been closed.
var (
	errInvalidSpec = fmt.Errorf("feed: %w", source.ErrInvalidOption)
	errNoEntries   = fmt.Errorf("feed: %w: no usable entries", source.ErrMalformed)
	errTooLarge    = fmt.Errorf("feed: %w", source.ErrTooLarge)
	errFormat      = fmt.Errorf("feed: %w", source.ErrMalformed)
	errPoisoned    = fmt.Errorf("feed: %w", source.ErrPoisoned)
	errFetch       = fmt.Errorf("feed: fetch failed: %w", source.ErrUnavailable)
	errNotLoaded   = fmt.Errorf("feed: no data yet, first download in progress: %w", source.ErrUnavailable)
	errClosed      = fmt.Errorf("feed: %w", source.ErrClosed)
)

// Error is a failed load or refresh of one feed. Stats describe what was
// read when the content got that far.
type Error struct {
	Feed  string
	Stats Stats
	Err   error
}

func (e *Error) Error() string {
	// The wrapped errors of this package start with "feed: " too; say it once.
	return "feed " + strconv.Quote(e.Feed) + ": " + strings.TrimPrefix(e.Err.Error(), "feed: ")
}

// Unwrap returns the underlying error, one of the package's sentinels
// possibly wrapped.
func (e *Error) Unwrap() error { return e.Err }

// Stats describe one parse of a feed.
type Stats struct {
	Format   Format
	Bytes    int64
	Lines    int // lines, or JSON entries, read
	Entries  int // prefixes added, counting a range as the prefixes it became
	Prefixes int // distinct prefixes in the table
	Skipped  int // malformed lines or entries, skipped
	Masked   int // CIDRs with host bits set, masked to their network
	Short    int // IPv4 prefixes shorter than /8, IPv6 shorter than /16
	// Malformed holds the first few skipped lines with their numbers.
	Malformed []LineError
	// Loaded is when the data was parsed; Modified is the server's
	// Last-Modified for a URL feed, else the file's modification time.
	Loaded, Modified time.Time
}

// maxLineErrors is how many malformed lines Stats keep.
const maxLineErrors = 5

// LineError is one skipped line. Text is cut to 80 bytes.
type LineError struct {
	Line int
	Text string
	Err  error
}

func (e LineError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Err.Error()
}
