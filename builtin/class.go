package builtin

import (
	"github.com/ipintel/ipintel/source"
)

// netClass is what kind of network an autonomous system is.
type netClass uint8

const (
	classUnknown    netClass = iota
	classHosting             // cloud, hosting, datacenter
	classCDN                 // content delivery and edge networks
	classVPN                 // an AS run by a VPN company for its exits
	classMobile              // a mobile carrier
	classTor                 // an AS run by an organisation that exists to run Tor exits
	classRelay               // an AS dedicated to a privacy relay's egress (iCloud Private Relay)
	classVPNHosting          // a hosting AS known to carry many VPN services' exits
)

// Confidence of each kind of evidence, 0–100. The curated table names
// networks whose business is public knowledge; the name rule guesses from
// words in the organisation's name and is right less often (see the
// accuracy figures in BENCHMARKS.md).
const (
	confHostingAS = 90
	confCDNAS     = 80
	confVPNAS     = 85
	confHostName  = 50
)

type asClass struct {
	class    netClass
	provider string
}

// classification is what builtin knows of an autonomous system.
type classification struct {
	asClass
	conf   int  // confidence of the class's own signal
	byName bool // the name rule decided
}

// hostingWords are the words in an organisation's name that suggest a
// hosting business, matched case-insensitively at the start of a word
// ("servers" matches "server"; "observer" does not; "host" covers hosting,
// hoster and the many Host… company names). A word joins only if it keeps
// the rule as precise, as TestFlagRate measures.
var hostingWords = []string{
	"host", "cloud", "datacenter", "datacentre", "server", "dedicated", "vps", "colocation", "vserver",
}

// hostingPairs are two-word phrases that suggest the same.
var hostingPairs = [][2]string{{"data", "center"}, {"data", "centre"}}

// vpnWords suggest a VPN company.
var vpnWords = []string{"vpn"}

// classify returns what builtin knows of an AS: from the known operators
// first, the curated table second, the organisation's name third.
func classify(asn uint32, org string) classification {
	if o, ok := operatorByASN[asn]; ok {
		return classification{asClass: asClass{o.class, o.provider}, conf: o.conf}
	}
	if c, ok := asClasses[asn]; ok {
		conf := 0 // a mobile carrier gives no signal
		switch c.class {
		case classHosting:
			conf = confHostingAS
		case classCDN:
			conf = confCDNAS
		}
		return classification{asClass: c, conf: conf}
	}
	if class := nameClass(org); class != classUnknown {
		return classification{asClass: asClass{class, org}, conf: confHostName, byName: true}
	}
	return classification{}
}

// nameClass applies the name rule: a word of name (a run of ASCII letters
// and digits) that starts with one of vpnWords makes it a VPN, else one
// that starts with one of hostingWords, or two consecutive words that are
// one of hostingPairs, makes it hosting. One pass, no allocation: Open runs
// it on every organisation.
func nameClass(name string) netClass {
	class := classUnknown
	prev := ""
	for w, rest := nextWord(name); w != ""; w, rest = nextWord(rest) {
		// Every word and pair looked for starts with one of these letters;
		// checking it first skips most words of most names.
		switch w[0] | 0x20 {
		case 'c', 'd', 'h', 's', 'v':
			if hasPrefixFold(w, vpnWords) {
				return classVPN
			}
			if hasPrefixFold(w, hostingWords) || isPair(prev, w) {
				class = classHosting
			}
		}
		prev = w
	}
	return class
}

// nextWord returns the first word of s and what follows it, or "" when s
// has no more words.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && !wordByte[s[i]] {
		i++
	}
	j := i
	for j < len(s) && wordByte[s[j]] {
		j++
	}
	return s[i:j], s[j:]
}

// hasPrefixFold reports whether w starts with one of the lower-case words,
// ignoring ASCII case.
func hasPrefixFold(w string, words []string) bool {
	for _, want := range words {
		if len(w) >= len(want) && equalFold(w[:len(want)], want) {
			return true
		}
	}
	return false
}

// isPair reports whether the words a, b are one of hostingPairs.
func isPair(a, b string) bool {
	for _, p := range hostingPairs {
		if equalFold(a, p[0]) && equalFold(b, p[1]) {
			return true
		}
	}
	return false
}

// equalFold compares a word of letters and digits with a lower-case word
// (strings.EqualFold handles Unicode and costs several times more).
func equalFold(w, lower string) bool {
	if len(w) != len(lower) {
		return false
	}
	for i := range len(w) {
		if w[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// wordByte marks the bytes words are made of: ASCII letters and digits.
var wordByte = func() (t [256]bool) {
	for b := range 256 {
		t[b] = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
	}
	return t
}()

// Categories of the known-operator signals, so that a Signal says why.
const (
	catTorOperator = "Tor operator's network"
	catVPNOperator = "VPN operator's network"
	catRelay       = "privacy relay egress network"
	catVPNHosting  = "hosting known for VPN exits"
)

// signalsFor returns the signals and Network fields a class gives.
func signalsFor(c classification) (sigs []source.Signal, usage, conn string) {
	sig := func(k source.Kind, conf int, category string) source.Signal {
		return source.Signal{Kind: k, Confidence: conf, Provider: c.provider, Source: Name, Category: category}
	}
	switch c.class {
	case classHosting:
		return []source.Signal{sig(source.Hosting, c.conf, "")}, "hosting", "hosting"
	case classCDN:
		return []source.Signal{sig(source.Hosting, c.conf, "")}, "cdn", "hosting"
	case classVPN:
		category := catVPNOperator
		if c.byName {
			category = ""
		}
		return []source.Signal{sig(source.VPN, c.conf, category)}, "hosting", "hosting"
	case classMobile:
		return nil, "mobile", "cellular"
	case classTor:
		return []source.Signal{sig(source.Tor, c.conf, catTorOperator)}, "hosting", "hosting"
	case classRelay:
		return []source.Signal{sig(source.Relay, c.conf, catRelay)}, "cdn", "hosting"
	case classVPNHosting:
		// Hosting first: it is what the whole network certainly is.
		return []source.Signal{
			sig(source.Hosting, confHostingAS, ""),
			sig(source.VPN, c.conf, catVPNHosting),
		}, "hosting", "hosting"
	}
	return nil, "", ""
}

// classTableDate is when knownNetworks and knownOperators were last reviewed.
const classTableDate = "2026-12-07"
