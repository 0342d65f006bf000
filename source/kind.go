package source

import (
	"fmt"
	"strconv"
	"time"
)

// Kind is what a signal says about an address.
type Kind uint8

// The kinds of signal. New kinds may be added; the zero Kind is invalid.
const (
	VPN              Kind = iota + 1 // a commercial or self-hosted VPN exit
	Proxy                            // an open or public proxy
	Tor                              // a Tor exit relay
	Relay                            // a privacy relay egress such as iCloud Private Relay
	Hosting                          // a hosting, cloud or datacenter range
	ResidentialProxy                 // a residential proxy network exit
	Monitoring                       // an uptime-monitoring or scanning probe
	Abuse                            // reported for attacks, spam or fraud
	Bot                              // automated traffic: crawlers, AI bots
	ProviderRisk                     // a hosted API's own risk verdict; Confidence is its 0–100 score
	maxKind
)

var kindNames = [...]string{
	VPN:              "vpn",
	Proxy:            "proxy",
	Tor:              "tor",
	Relay:            "relay",
	Hosting:          "hosting",
	ResidentialProxy: "residential_proxy",
	Monitoring:       "monitoring",
	Abuse:            "abuse",
	Bot:              "bot",
	ProviderRisk:     "provider_risk",
}

// String returns the kind's text form: "vpn", "tor", "residential_proxy"….
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return k > 0 && k < maxKind }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("source: %w: kind %d", ErrInvalidInput, k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(text []byte) error {
	v, err := ParseKind(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ParseKind returns the kind whose text form is s. Other text is an error
// wrapping [ErrInvalidInput].
func ParseKind(s string) (Kind, error) {
	for k := VPN; k < maxKind; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("source: %w: not a signal kind: %s", ErrInvalidInput, quote(s))
}

// Signal is one piece of evidence about an address.
type Signal struct {
	Kind Kind `json:"kind,omitzero"` // omitted when zero (not a valid kind), so any decoded value encodes again
	// Confidence is how sure the source is, 0–100.
	Confidence int `json:"confidence"`
	// Provider names the operator behind the address when known:
	// "NordVPN", "UptimeRobot", "AWS".
	Provider string `json:"provider,omitempty"`
	// Source names the data the signal came from: the feed or database
	// name ("tor-exits", "geoip2-anonymous-ip").
	Source string `json:"source"`
	// Category refines the kind in the source's words: "uptime",
	// "scanner", "EC2", "us-east-1"…
	Category string `json:"category,omitempty"`
	// FirstSeen and LastSeen bound when the source observed the behaviour;
	// zero when unknown.
	FirstSeen time.Time `json:"first_seen,omitzero"`
	LastSeen  time.Time `json:"last_seen,omitzero"`
}
