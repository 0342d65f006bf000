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
		RiskScore:      r.Risk.Score,
		Recommendation: string(r.Risk.Recommendation),
	}
	if r.Query.IP.IsValid() {
		out.IP = r.Query.IP.String()
	}
	if n := r.Network; n != nil {
		if name := organization(n); name != "" {
			c := alloc(&out.Company)
			c.Name, c.Type, c.Domain = name, companyType(r), n.Domain
		}
		if n.ASN != 0 {
			a := alloc(&out.ASN)
			a.Number, a.Name, a.Route = int(n.ASN), n.Organization, cidr(n)
		}
	}
	if g := r.Geo; g != nil {
		l := alloc(&out.Location)
		l.Country, l.CountryName, l.City, l.Region = g.CountryCode, g.CountryName, g.City, g.Region
		l.Latitude, l.Longitude = g.Coordinates.Latitude, g.Coordinates.Longitude
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
