module github.com/ipintel/ipintel/builtin

go 1.25.0

require (
	github.com/ipintel/ipintel v0.0.0
	github.com/oschwald/maxminddb-golang/v2 v2.6.0
)

require (
	github.com/gaissmai/bart v0.30.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

require (
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/phuslu/iploc v1.0.20260915
	golang.org/x/sync v0.22.0 // indirect
)

replace github.com/ipintel/ipintel => ../
