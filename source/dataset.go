package source

import "time"

// Origin says where the data a source answers from came from.
type Origin string

// The origins a [Dataset] reports.
const (
	OriginEmbedded Origin = "embedded" // compiled into the binary
	OriginFile     Origin = "file"     // read from a local file the user named
	OriginNetwork  Origin = "network"  // downloaded by this process
	OriginCache    Origin = "cache"    // a copy kept on disk by an earlier download
	OriginService  Origin = "service"  // asked per lookup of a hosted API
)

// Dataset describes one body of data a source answers from: what it is, how
// old it is and whether keeping it fresh works. It is a snapshot; the zero
// value of a field means "not known".
type Dataset struct {
	// Name identifies the dataset within its source ("geo-whois-asn-country",
	// "tor-exits", "GeoLite2-City").
	Name string
	// Version is the publisher's version, release tag or build epoch.
	Version string
	// Updated is when the publisher built the data. Age is time.Since(Updated).
	Updated time.Time
	// Origin is where the copy in use came from.
	Origin Origin
	// Entries counts the prefixes or records loaded.
	Entries int
	// LastRefresh is when this process last loaded the data successfully;
	// NextRefresh when it will try again (zero: never).
	LastRefresh, NextRefresh time.Time
	// LastError is why the last load or refresh failed, nil if it worked.
	// A failed refresh keeps the last good data.
	LastError error
	// State is a hosted service's health as the source sees it: "ok",
	// "circuit-open", "half-open", "rate-limited". Empty for local data.
	State string
	// License and Attribution are the terms the data is used under and the
	// credit they require, when the source knows them.
	License, Attribution string
}

// DatasetReporter is implemented by sources that can say what data they
// answer from and how fresh it is: databases, feeds, embedded snapshots and
// hosted services alike. Datasets must be cheap and safe to call at any time
// from any goroutine (a metrics scrape calls it).
type DatasetReporter interface {
	Datasets() []Dataset
}
