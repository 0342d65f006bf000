package main

import (
	"math"
	"strings"
	"time"

	"github.com/ipintel/ipintel"
	"github.com/ipintel/ipintel/internal/wire"
)

// This file maps an ipintel.Result onto the three APIs' wire shapes. It is
// the reverse of source/remote's mapping, which reads those shapes.

func vectraResponse(res *ipintel.Result, requestID string) wire.VectraIPResponse {
	found := res.Meta.Found
	out := wire.VectraIPResponse{
		Query: wire.VectraIPQuery{
			IP:          res.Query.IP.String(),
			ProcessedAt: res.Query.ProcessedAt.UTC().Format(time.RFC3339),
			CacheStatus: string(res.Query.CacheStatus),
			RequestID:   requestID,
		},
		Privacy: wire.VectraIPPrivacy{
			IsVPN:     res.Privacy.IsVPN,
			IsProxy:   res.Privacy.IsProxy,
			IsTor:     res.Privacy.IsTor,
			IsRelay:   res.Privacy.IsRelay,
			RiskScore: res.Risk.Score,
			IsHosting: res.Privacy.IsHosting,
			Provider:  res.Privacy.Provider,
		},
		Monitoring: wire.VectraIPMonitoring{
			Detected:   res.Monitoring.Detected,
			Category:   res.Monitoring.Category,
			Confidence: res.Monitoring.Confidence,
			FirstSeen:  rfc3339(res.Monitoring.FirstSeen),
			LastSeen:   rfc3339(res.Monitoring.LastSeen),
		},
		Risk: wire.VectraIPRisk{
			Score:                       res.Risk.Score,
			Level:                       string(res.Risk.Level),
			FraudProbability:            percent(res.Risk.FraudProbability),
			BotProbability:              percent(res.Risk.BotProbability),
			AbuseProbability:            percent(res.Risk.AbuseProbability),
			DatacenterProbability:       percent(res.Risk.DatacenterRisk),
			VPNConfidence:               percent(res.Risk.VPNConfidence),
			ResidentialTrust:            percent(res.Risk.ResidentialTrust),
			SyntheticTrafficProbability: percent(res.Risk.SyntheticTrafficProbability),
		},
		Meta: wire.VectraIPMeta{
			Found:          &found,
			DataSources:    res.Meta.DataSources,
			ResponseTimeMS: float64(res.Meta.ResponseTime.Microseconds()) / 1000,
		},
	}
	if p := res.Monitoring.Provider; p != "" {
		out.Monitoring.Provider = &p
	}
	if g := res.Geo; g != nil {
		out.Geo = wire.VectraIPGeo{
			CountryCode: g.CountryCode,
			CountryName: g.CountryName,
			Region:      g.Region,
			City:        g.City,
			Timezone:    g.Timezone,
			Continent:   continentName(g.Continent),
			Coordinates: wire.VectraIPCoordinates{Lat: g.Coordinates.Latitude, Lng: g.Coordinates.Longitude},
		}
	}
	if n := res.Network; n != nil {
		out.Network = wire.VectraIPNetwork{
			ASN:            asnText(n.ASN),
			Organization:   org(n),
			CIDR:           cidr(n),
			ConnectionType: n.ConnectionType,
			UsageType:      n.UsageType,
		}
	}
	out.Network.TrafficClass = trafficClass(res)
	return out
}

func vpnSignalResponse(res *ipintel.Result) wire.VPNSignalResponse {
	out := wire.VPNSignalResponse{
		IP:             res.Query.IP.String(),
		IsVPN:          res.Privacy.IsVPN,
		IsProxy:        res.Privacy.IsProxy,
		IsTor:          res.Privacy.IsTor,
		IsRelay:        res.Privacy.IsRelay,
		IsHosting:      res.Privacy.IsHosting,
		RiskScore:      res.Risk.Score,
		Recommendation: string(res.Risk.Recommendation),
	}
	if n := res.Network; n != nil {
		if name := org(n); name != "" {
			out.Company = &wire.VPNSignalCompany{Name: name, Type: companyType(res), Domain: n.Domain}
		}
		if n.ASN != 0 {
			out.ASN = &wire.VPNSignalASN{Number: uint32(n.ASN), Name: n.Organization, Route: cidr(n)}
		}
	}
	if g := res.Geo; g != nil {
		out.Location = &wire.VPNSignalLocation{
			Country:     g.CountryCode,
			CountryName: g.CountryName,
			City:        g.City,
			Region:      g.Region,
			Latitude:    g.Coordinates.Latitude,
			Longitude:   g.Coordinates.Longitude,
		}
	}
	return out
}

// datpaqIntel is Datpaq's record; trust_score is null when not found.
func datpaqIntel(res *ipintel.Result) wire.DatpaqIntel {
	out := wire.DatpaqIntel{
		IP:    res.Query.IP.String(),
		IsVPN: res.Privacy.IsVPN,
		IsTor: res.Privacy.IsTor,
		Found: res.Meta.Found,
	}
	if res.Meta.Found {
		ts := res.Risk.TrustScore
		out.TrustScore = &ts
	}
	if n := res.Network; n != nil {
		out.ASN = asnText(n.ASN)
		out.Org = org(n)
	}
	if g := res.Geo; g != nil {
		out.Country = g.CountryCode
	}
	return out
}

func percent(p float64) int { return int(math.Round(max(0, min(1, p)) * 100)) }

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func asnText(a ipintel.ASN) string {
	if a == 0 {
		return ""
	}
	return a.String()
}

func cidr(n *ipintel.Network) string {
	if !n.CIDR.IsValid() {
		return ""
	}
	return n.CIDR.String()
}

// org is the network's owner, or its ISP when the owner is unknown.
func org(n *ipintel.Network) string {
	if n.Organization != "" {
		return n.Organization
	}
	return n.ISP
}

// trafficClass is VectraIP's one-word summary of the address.
func trafficClass(res *ipintel.Result) string {
	p := res.Privacy
	switch {
	case p.IsTor:
		return "tor_exit"
	case p.IsVPN:
		return "vpn_exit"
	case p.IsResidentialProxy:
		return "residential_proxy"
	case p.IsProxy:
		return "proxy"
	case p.IsRelay:
		return "private_relay"
	case res.Monitoring.Detected:
		return "monitoring"
	case p.IsHosting:
		return "hosting"
	case res.Meta.Found:
		return "standard"
	}
	return ""
}

// companyType is VPN Signal's company.type: "hosting", "isp", "business"…
func companyType(res *ipintel.Result) string {
	if res.Privacy.IsHosting {
		return "hosting"
	}
	n := res.Network
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

func continentName(code string) string {
	switch code {
	case "AF":
		return "Africa"
	case "AN":
		return "Antarctica"
	case "AS":
		return "Asia"
	case "EU":
		return "Europe"
	case "NA":
		return "North America"
	case "OC":
		return "Oceania"
	case "SA":
		return "South America"
	}
	return code
}
