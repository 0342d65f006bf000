package compat

// The documented responses. Each struct is its JSON document, section by
// section, with the documented names and types: strings, ints 0–100, null
// (a nil pointer) only where the provider documents null. Unknown text is
// "" and unknown coordinates 0, 0. A comment marks what the documentation
// names only in prose ("inferred").

// VectraIPResponse is VectraIP's response to GET /v1/ip/{ip}, and each
// element of its batch response. It is an ipintel.Result's JSON without
// ipintel's additions.
type VectraIPResponse struct {
	Query struct {
		IP          string `json:"ip"`
		ProcessedAt string `json:"processed_at"` // ISO 8601
		CacheStatus string `json:"cache_status"` // "hit", "db_hit" or "miss"
		RequestID   string `json:"request_id"`   // also the X-Request-Id header
	} `json:"query"`
	Privacy struct {
		IsVPN     bool `json:"is_vpn"`
		IsProxy   bool `json:"is_proxy"`
		IsTor     bool `json:"is_tor"`
		IsRelay   bool `json:"is_relay"`   // iCloud Private Relay and the like
		RiskScore int  `json:"risk_score"` // 0–100
	} `json:"privacy"`
	Geo struct {
		CountryCode string `json:"country_code"`
		CountryName string `json:"country_name"`
		Region      string `json:"region"`
		City        string `json:"city"`
		Timezone    string `json:"timezone"`
		Continent   string `json:"continent"` // a name, "Asia", not a code
		Coordinates struct {
			Lat float64 `json:"lat"`
			Lng float64 `json:"lng"`
		} `json:"coordinates"`
	} `json:"geo"`
	Network struct {
		ASN            string `json:"asn"` // "AS137409"
		Organization   string `json:"organization"`
		CIDR           string `json:"cidr"`
		ConnectionType string `json:"connection_type"`
		UsageType      string `json:"usage_type"`
		// TrafficClass is "vpn_exit" (documented) or one of the other
		// words of ipintel.Result.TrafficClass.
		TrafficClass string `json:"traffic_class"`
	} `json:"network"`
	// Monitoring names uptime-monitoring probes. Every field but Detected
	// is documented as "string | null": nil when unknown or when no probe
	// was detected.
	Monitoring struct {
		Detected   bool    `json:"detected"`
		Provider   *string `json:"provider"` // "UptimeRobot"
		Category   *string `json:"category"` // inferred
		Confidence *string `json:"confidence"`
		FirstSeen  *string `json:"first_seen"` // ISO 8601; inferred
		LastSeen   *string `json:"last_seen"`  // ISO 8601; inferred
	} `json:"monitoring"`
	// Risk is the verdict: every figure an int 0–100, Level low, medium,
	// high or critical.
	Risk struct {
		Score                       int    `json:"score"`
		Level                       string `json:"level"`
		FraudProbability            int    `json:"fraud_probability"`
		BotProbability              int    `json:"bot_probability"`
		AbuseProbability            int    `json:"abuse_probability"`
		DatacenterRisk              int    `json:"datacenter_risk"`
		VPNConfidence               int    `json:"vpn_confidence"`
		ResidentialTrust            int    `json:"residential_trust"`
		SyntheticTrafficProbability int    `json:"synthetic_traffic_probability"`
	} `json:"risk"`
	Meta struct {
		ResponseTimeMS int64    `json:"response_time_ms"`
		DataSources    []string `json:"data_sources"` // never null
	} `json:"meta"`
}

// VectraIPBatchResponse is VectraIP's response to POST /v1/batch/ip.
type VectraIPBatchResponse struct {
	// Results holds one response per distinct address that was looked up,
	// in input order; match them to the request by Query.IP.
	Results []VectraIPResponse `json:"results"`
	// Processed is the number of results, Errors the number of distinct
	// inputs that were not looked up.
	Processed int `json:"processed"`
	Errors    int `json:"errors"`
}

// VPNSignalResponse is VPN Signal's response to POST /check. Company,
// Location and ASN are nil (null) when no source knows them, as
// documented.
type VPNSignalResponse struct {
	IP             string `json:"ip"`
	IsVPN          bool   `json:"is_vpn"`
	IsProxy        bool   `json:"is_proxy"`
	IsTor          bool   `json:"is_tor"`
	IsRelay        bool   `json:"is_relay"` // iCloud Private Relay and the like
	IsHosting      bool   `json:"is_hosting"`
	RiskScore      int    `json:"risk_score"`     // 0–100
	Recommendation string `json:"recommendation"` // "allow", "verify" or "block"
	// Company is the network's owner; Type is "hosting", "isp" or the
	// network's own usage type.
	Company *struct {
		Name   string `json:"name"`
		Type   string `json:"type"`
		Domain string `json:"domain"`
	} `json:"company"`
	// Location's Country is ISO 3166-1 alpha-2.
	Location *struct {
		Country     string  `json:"country"`
		CountryName string  `json:"country_name"`
		City        string  `json:"city"`
		Region      string  `json:"region"`
		Latitude    float64 `json:"latitude"`
		Longitude   float64 `json:"longitude"`
	} `json:"location"`
	// ASN is the autonomous system; Route is its announced prefix,
	// "1.1.1.0/24".
	ASN *struct {
		Number int    `json:"number"`
		Name   string `json:"name"`
		Route  string `json:"route"`
	} `json:"asn"`
}

// DatpaqResponse is Datpaq's response to GET /api/v1/ip-intelligence: the
// field table's fields and the correlation id, in one flat object.
type DatpaqResponse struct {
	IP            string `json:"ip"`
	TrustScore    int    `json:"trust_score"` // 0 (high risk) to 100 (clean)
	IsVPN         bool   `json:"is_vpn"`
	IsTor         bool   `json:"is_tor"`
	ASN           string `json:"asn"` // "AS15169"
	Country       string `json:"country"`
	Org           string `json:"org"`
	CorrelationID string `json:"correlationId"`
}

// DatpaqBatchResponse is Datpaq's batch response (POST
// /api/v1/ip-intelligence/batch, or GET with a comma list).
type DatpaqBatchResponse struct {
	Success bool `json:"success"`
	Data    struct {
		// Summary counts the inputs; Found and NotFound are named in the
		// documentation's prose.
		Summary struct {
			TotalRequested int `json:"total_requested"`
			ValidIPs       int `json:"valid_ips"`
			InvalidIPs     int `json:"invalid_ips"`
			Found          int `json:"found"`
			NotFound       int `json:"not_found"`
		} `json:"summary"`
		// Results holds one record per valid input, in input order, with
		// its found and error flags (inferred names). TrustScore is nil
		// (null) for an address not found; Reason says why Error is set.
		Results []struct {
			IP         string `json:"ip"`
			TrustScore *int   `json:"trust_score"`
			IsVPN      bool   `json:"is_vpn"`
			IsTor      bool   `json:"is_tor"`
			ASN        string `json:"asn"`
			Country    string `json:"country"`
			Org        string `json:"org"`
			Found      bool   `json:"found"`
			Error      bool   `json:"error"`
			Reason     string `json:"reason,omitempty"` // inferred
		} `json:"results"`
		// InvalidIPs holds each input that is not a public address, with
		// its index in the request.
		InvalidIPs []struct {
			Index  int    `json:"index"`
			IP     string `json:"ip"`
			Reason string `json:"reason"`
		} `json:"invalid_ips"`
	} `json:"data"`
	CorrelationID string `json:"correlationId"`
}

// alloc points *p at a new zero value and returns it: how this package
// fills the nullable sections, whose struct types have no name.
func alloc[T any](p **T) *T {
	*p = new(T)
	return *p
}

// add appends a zero element to *s and returns it, for the same reason.
func add[T any](s *[]T) *T {
	var zero T
	*s = append(*s, zero)
	return &(*s)[len(*s)-1]
}

// empty returns an empty, non-nil slice of s's type with room for n: an
// empty list is [] in the documented JSON, not null.
func empty[T any](_ []T, n int) []T { return make([]T, 0, n) }

// text returns a pointer to s, or nil (null) for "".
func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
