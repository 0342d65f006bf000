package compat

import (
	"strings"

	"github.com/ipintel/ipintel"
)

// VPNSignal renders r as VPN Signal's documented response to POST /check.
// company, location and asn are null when no source knows them, as
// documented; company.type is "hosting", "isp" or the network's own usage
// type.
func VPNSignal(r *ipintel.Result) VPNSignalResponse {
	out := VPNSignalResponse{
		IsVPN:          r.Privacy.IsVPN,
		IsProxy:        r.Privacy.IsProxy,
		IsTor:          r.Privacy.IsTor,
		IsRelay:        r.Privacy.IsRelay,
		IsHosting:      r.Privacy.IsHosting,
		RiskScore:      Int(r.Risk.Score),
		Recommendation: Text(r.Risk.Recommendation),
	}
	if r.Query.IP.IsValid() {
		out.IP = Text(r.Query.IP.String())
	}
	if n := r.Network; n != nil {
		if name := organization(n); name != "" {
			out.Company = &VPNSignalCompany{Name: Text(name), Type: Text(companyType(r)), Domain: Text(n.Domain)}
		}
		if n.ASN != 0 {
			out.ASN = &VPNSignalASN{Number: Int(n.ASN), Name: Text(n.Organization), Route: Text(cidr(n))}
		}
	}
	if g := r.Geo; g != nil {
		out.Location = &VPNSignalLocation{
			Country:     Text(g.CountryCode),
			CountryName: Text(g.CountryName),
			City:        Text(g.City),
			Region:      Text(g.Region),
			Latitude:    g.Coordinates.Latitude,
			Longitude:   g.Coordinates.Longitude,
		}
	}
	return out
}

// companyType is VPN Signal's company.type: "hosting", "isp", "business"…
func companyType(r *ipintel.Result) string {
	if r.Privacy.IsHosting {
		return "hosting"
	}
	n := r.Network
	for _, t := range []string{n.UsageType, n.ConnectionType} {
		switch t = strings.ToLower(t); t {
		case "":
		case "hosting", "datacenter", "data center":
			return "hosting"
		case "cable/dsl", "residential", "cellular", "mobile", "isp":
			return "isp"
		default:
			return t
		}
	}
	return "isp"
}

// organization is the network's owner, or its ISP when the owner is
// unknown.
func organization(n *ipintel.Network) string {
	if n.Organization != "" {
		return n.Organization
	}
	return n.ISP
}

func cidr(n *ipintel.Network) string {
	if !n.CIDR.IsValid() {
		return ""
	}
	return n.CIDR.String()
}
