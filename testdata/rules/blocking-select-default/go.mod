module example.com/fixtures/blockingselectdefault

go 1.25
