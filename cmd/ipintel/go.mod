module github.com/ipintel/ipintel/cmd/ipintel

go 1.25.0
