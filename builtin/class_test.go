package builtin

import "testing"

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
	for asn, c := range asClasses {
		if asn == 0 || c.class == classUnknown || c.provider == "" {
			t.Errorf("AS%d: %+v", asn, c)
		}
	}
	// The curated table wins over the name rule.
	if c, byName := classify(13335, "Cloudflare Hosting"); c.class != classCDN || byName {
		t.Errorf("AS13335: %+v by name %v", c, byName)
	}
	if c, byName := classify(64500, "Example VPN Hosting"); c.class != classVPN || !byName {
		t.Errorf("VPN by name: %+v %v", c, byName)
	}
}
