package builtin

// operator is one network whose operator tells what its traffic is: an
// organisation that exists to run Tor exits, a VPN company's own network,
// the network a privacy relay egresses from, or a hosting network known to
// carry the exits of many VPN services.
type operator struct {
	asn      uint32
	provider string   // the operator, as Reasons and Signals name it
	class    netClass // classTor, classVPN, classRelay or classVPNHosting
	// conf is the confidence, 0–100, of the class's own signal (Tor, VPN or
	// Relay) for any address of the network: how much of its address
	// space is what the class says.
	conf int
	// ref is a public record of the fact: the operator's own page, or the
	// regional registry's record of the autonomous system naming the
	// organisation that holds it (rdap.org answers with the registry's
	// RDAP record).
	ref string
}

// Confidence of the known-operator classes. An organisation that exists
// to run Tor exits, or a VPN company's network, is what it says for
// nearly all of its addresses; a privacy or research organisation that
// also runs other services, less so.
const (
	confTorOnly  = 90 // the organisation runs Tor exits and little else
	confTorMain  = 85 // Tor exits are the organisation's main service
	confTorMixed = 70 // Tor exits beside other public services
	confTorSome  = 60 // Tor exits beside services that are most of the network
	confRelayAS  = 80 // a network dedicated to a privacy relay's egress
	// confVPNHostingAS is the VPN confidence of a hosting network known to
	// carry many VPN services' exits. It is kept low on purpose: the
	// network also rents servers to anyone, and with it a VPN-hosting
	// network (hosting 90 and VPN 30: score 52) stays below a VPN
	// operator's own network (VPN 85: score 55) with the default scorer.
	confVPNHostingAS = 30
)

// knownOperators is the curated table of networks whose operator tells
// what the traffic is, written by hand from public facts: the
// organisations' own pages and the regional registries' records of who
// holds each autonomous system (each entry's ref). Reviewed on
// classTableDate. An AS belongs here only when its holder is the operator
// named, not when the operator merely rents servers in it, with one
// exception that is its own, lower-confidence class: hosting networks
// known to carry the exits of many VPN services (classVPNHosting).
//
// Left out on purpose: Cloudflare (AS13335), Fastly (AS54113) and Akamai's
// CDN (AS20940) also carry iCloud Private Relay egress, but only in some
// of their ranges: that is a fact about prefixes, not networks, and comes
// from Apple's egress list in live mode. We know of no autonomous system
// of Apple's own that carries relay egress. Hosting networks where Tor exits or
// VPN servers are a small share (OVHcloud, Hetzner, FranTech, Vultr…)
// stay plain hosting.
var knownOperators = []operator{
	// Organisations that exist to run Tor exit relays.
	{60729, "Stiftung Erneuerbare Freiheit", classTor, confTorOnly, "https://rdap.org/autnum/60729"},        // the torservers.net foundation; its network also carries other Tor organisations' exits (Artikel10's 185.220.101.0/24)
	{205100, "F3 Netze", classTor, confTorOnly, "https://www.f3netze.de/"},                                  // F3 Netze e.V.: a German association running Tor exits
	{215125, "nothingtohide.nl (Church of Cyberology)", classTor, confTorOnly, "https://nothingtohide.nl/"}, // the AS of the nothingtohide.nl exits
	{208323, "Foundation for Applied Privacy", classTor, confTorMain, "https://applied-privacy.net/"},       // Tor exits and a public DNS resolver, Vienna
	{396507, "Emerald Onion", classTor, confTorMain, "https://emeraldonion.org/"},                           // Tor exits and a public DNS resolver, Seattle
	{198093, "DFRI", classTor, confTorMain, "https://www.dfri.se/"},                                         // Föreningen för digitala fri- och rättigheter, Sweden
	{4224, "The Calyx Institute", classTor, confTorMixed, "https://calyxinstitute.org/"},                    // Tor exits beside Calyx's VPN and member services
	{401370, "The Calyx Institute", classTor, confTorMixed, "https://rdap.org/autnum/401370"},               // CALYX NETWORKS
	{62744, "Quintex Alliance Consulting", classTor, confTorMixed, "https://rdap.org/autnum/62744"},
	{210731, "dotsrc.org", classTor, confTorSome, "https://dotsrc.org/"}, // Forening for DotSrc: open-source mirrors and Tor exits

	// iCloud Private Relay: Akamai's network for relay egress (its CDN is
	// AS20940, in knownNetworks).
	{36183, "iCloud Private Relay (Akamai)", classRelay, confRelayAS, "https://rdap.org/autnum/36183"},

	// VPN companies' own networks.
	{39351, "Mullvad (31173 Services)", classVPN, 90, "https://mullvad.net/en/servers"},
	{49399, "Mullvad (31173 Services)", classVPN, 90, "https://rdap.org/autnum/49399"},
	{214813, "Mullvad (31173 Services)", classVPN, 90, "https://rdap.org/autnum/214813"},
	{216025, "Mullvad", classVPN, 90, "https://rdap.org/autnum/216025"},    // Mullvad VPN AB
	{209103, "Proton VPN", classVPN, 85, "https://rdap.org/autnum/209103"}, // Proton AG, "ProtonVPN"
	{199218, "Proton VPN", classVPN, 85, "https://rdap.org/autnum/199218"}, // Proton AG, "ProtonVPN-2"
	{208172, "Proton VPN", classVPN, 85, "https://rdap.org/autnum/208172"}, // Proton AG, "PV-HOSTED"
	{62371, "Proton", classVPN, 70, "https://rdap.org/autnum/62371"},       // Proton AG's own network: Proton VPN servers beside Proton's mail and other services
	{136787, "NordVPN (PacketHub)", classVPN, confVPNAS, "https://rdap.org/autnum/136787"},
	{141039, "NordVPN (PacketHub)", classVPN, confVPNAS, "https://rdap.org/autnum/141039"},
	{147049, "NordVPN (PacketHub)", classVPN, confVPNAS, "https://rdap.org/autnum/147049"},
	{207137, "NordVPN (PacketHub)", classVPN, confVPNAS, "https://rdap.org/autnum/207137"},
	{272096, "NordVPN (PacketHub)", classVPN, confVPNAS, "https://rdap.org/autnum/272096"},
	{209854, "Surfshark (Cyberzone)", classVPN, confVPNAS, "https://rdap.org/autnum/209854"},
	{62651, "StrongVPN / IPVanish (Strong Technology)", classVPN, 80, "https://rdap.org/autnum/62651"},
	{22781, "StrongVPN / IPVanish (Strong Technology)", classVPN, 80, "https://rdap.org/autnum/22781"},
	{140952, "StrongVPN / IPVanish (Strong Technology)", classVPN, 80, "https://rdap.org/autnum/140952"},
	{13926, "StrongVPN / IPVanish (Strong Technology)", classVPN, 80, "https://rdap.org/autnum/13926"},
	{54203, "StrongVPN / IPVanish (Strong Technology)", classVPN, 80, "https://rdap.org/autnum/54203"},
	{203619, "IVPN", classVPN, confVPNAS, "https://rdap.org/autnum/203619"},       // IVPN Limited
	{397540, "Windscribe", classVPN, confVPNAS, "https://rdap.org/autnum/397540"}, // Windscribe

	// Hosting networks known to carry the exits of many VPN services: a
	// hosting signal as before, plus a weak VPN signal. The reference is
	// the registry's record of the holder; that VPN services rent their
	// exits there is what the services' own published server lists (the
	// VPN feeds of source/feed's catalog) show.
	{9009, "M247", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/9009"},
	{60068, "Datacamp (CDN77)", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/60068"},
	{212238, "Datacamp (CDN77)", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/212238"},
	{137409, "GSL Networks", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/137409"},
	{203020, "HostRoyale", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/203020"},
	{62240, "Clouvider", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/62240"},
	{11878, "tzulo", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/11878"},
	{51765, "Crea Nova Hosting", classVPNHosting, confVPNHostingAS, "https://rdap.org/autnum/51765"},
}

// operatorByASN indexes knownOperators.
var operatorByASN = func() map[uint32]operator {
	m := make(map[uint32]operator, len(knownOperators))
	for _, o := range knownOperators {
		m[o.asn] = o
	}
	return m
}()
