package builtin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ipintel/ipintel/source"
)

func TestNameRule(t *testing.T) {
	for name, want := range map[string]bool{
		"Example Hosting Ltd":          true,
		"HOSTINGER international":      true,
		"FooCloud":                     false, // "cloud" must start a word
		"Cloud Innovation Ltd":         true,
		"Acme Data Center LLC":         true,
		"Acme Data-Centre":             true,
		"Big Servers Inc":              true,
		"observer networks":            false,
		"VPS-Net":                      true,
		"Deutsche Telekom AG":          false,
		"Comcast Cable Communications": false,
		"":                             false,
		"data":                         false,
		"Data":                         false,
		"center data":                  false,
	} {
		if got := nameClass(name) == classHosting; got != want {
			t.Errorf("nameClass(%q) hosting = %v, want %v", name, got, want)
		}
	}
}

func TestNameRuleVPN(t *testing.T) {
	for name, want := range map[string]netClass{
		"Example VPN Hosting":  classVPN, // VPN wins over hosting, wherever it is
		"Hosting for VPNs Ltd": classVPN,
		"PrivateVPN AB":        classUnknown, // "vpn" must start a word
		"Vodafone":             classUnknown,
	} {
		if got := nameClass(name); got != want {
			t.Errorf("nameClass(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestClassTable(t *testing.T) {
	seen := map[uint32]string{}
	for _, n := range knownNetworks {
		if n.provider == "" || len(n.asns) == 0 {
			t.Errorf("entry %+v: no provider or no AS", n)
		}
		if !strings.HasPrefix(n.ref, "https://") || strings.ContainsAny(n.ref, " \t") {
			t.Errorf("%s: reference %q is not a URL", n.provider, n.ref)
		}
		switch n.class {
		case classHosting, classCDN, classMobile:
		default:
			t.Errorf("%s: class %d belongs in knownOperators, with a confidence and a reference", n.provider, n.class)
		}
		for _, asn := range n.asns {
			if asn == 0 {
				t.Errorf("%s: AS0", n.provider)
			}
			if other, dup := seen[asn]; dup {
				t.Errorf("AS%d: listed for %s and %s", asn, other, n.provider)
			}
			seen[asn] = n.provider
		}
	}
	if len(asClasses) != len(seen) {
		t.Errorf("asClasses has %d networks, the table %d", len(asClasses), len(seen))
	}
	// The known operators win over the curated table, which wins over the
	// name rule.
	if c := classify(60729, "Stiftung Erneuerbare Freiheit Hosting"); c.class != classTor || c.byName || c.conf != confTorOnly {
		t.Errorf("AS60729: %+v", c)
	}
	if c := classify(13335, "Cloudflare Hosting"); c.class != classCDN || c.byName || c.conf != confCDNAS {
		t.Errorf("AS13335: %+v", c)
	}
	if c := classify(64500, "Example VPN Hosting"); c.class != classVPN || !c.byName || c.conf != confHostName {
		t.Errorf("VPN by name: %+v", c)
	}
}

func TestKnownOperators(t *testing.T) {
	seen := map[uint32]bool{}
	for _, o := range knownOperators {
		if o.asn == 0 || seen[o.asn] {
			t.Errorf("AS%d: zero or listed twice", o.asn)
		}
		seen[o.asn] = true
		if _, dup := asClasses[o.asn]; dup {
			t.Errorf("AS%d: in both knownOperators and knownNetworks", o.asn)
		}
		if o.provider == "" || o.conf <= 0 || o.conf > 100 {
			t.Errorf("AS%d: provider %q, confidence %d", o.asn, o.provider, o.conf)
		}
		if !strings.HasPrefix(o.ref, "https://") || strings.ContainsAny(o.ref, " \t") {
			t.Errorf("AS%d: reference %q is not a URL", o.asn, o.ref)
		}
		if strings.Contains(o.ref, "rdap.org/autnum/") && o.ref != fmt.Sprintf("https://rdap.org/autnum/%d", o.asn) {
			t.Errorf("AS%d: reference %q is another AS's record", o.asn, o.ref)
		}
		switch o.class {
		case classTor, classVPN, classRelay:
			if o.conf < confTorSome {
				t.Errorf("AS%d: confidence %d is below any operator class's", o.asn, o.conf)
			}
		case classVPNHosting:
			// One confidence for the class: its score must stay below a
			// VPN operator's (see TestOperatorScores).
			if o.conf != confVPNHostingAS {
				t.Errorf("AS%d: confidence %d, want the class's %d", o.asn, o.conf, confVPNHostingAS)
			}
		default:
			t.Errorf("AS%d: class %d is not a known-operator class", o.asn, o.class)
		}
	}
}

// TestOperatorSignals checks the signals and Network fields each
// known-operator class gives.
func TestOperatorSignals(t *testing.T) {
	type want struct {
		kind     source.Kind
		conf     int
		category string
	}
	for _, tc := range []struct {
		asn   uint32
		usage string
		sigs  []want
	}{
		{60729, "hosting", []want{{source.Tor, confTorOnly, catTorOperator}}},
		{36183, "cdn", []want{{source.Relay, confRelayAS, catRelay}}},
		{39351, "hosting", []want{{source.VPN, 90, catVPNOperator}}},
		{9009, "hosting", []want{{source.Hosting, confHostingAS, ""}, {source.VPN, confVPNHostingAS, catVPNHosting}}},
	} {
		o := operatorByASN[tc.asn]
		sigs, usage, _ := signalsFor(classify(tc.asn, "ignored"))
		if usage != tc.usage || len(sigs) != len(tc.sigs) {
			t.Errorf("AS%d: usage %q, signals %+v", tc.asn, usage, sigs)
			continue
		}
		for i, w := range tc.sigs {
			s := sigs[i]
			if s.Kind != w.kind || s.Confidence != w.conf || s.Category != w.category || s.Provider != o.provider || s.Source != Name {
				t.Errorf("AS%d: signal %d = %+v, want %+v by %q", tc.asn, i, s, w, o.provider)
			}
		}
	}
}
