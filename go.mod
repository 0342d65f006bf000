module github.com/ipintel/ipintel

go 1.25.0

require (
	github.com/gaissmai/bart v0.30.0
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/maxmind/mmdbwriter v1.2.0
	github.com/oschwald/geoip2-golang/v2 v2.3.0
	github.com/oschwald/maxminddb-golang/v2 v2.6.0
	github.com/phuslu/iploc v1.0.20260915
	github.com/yl2chen/cidranger v1.0.2
	go4.org/netipx v0.0.0-20231129151722-fdeea329fbba
	golang.org/x/sync v0.22.0
)

require golang.org/x/sys v0.47.0 // indirect
