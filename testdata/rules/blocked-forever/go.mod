module example.com/fixtures/blockedforever

go 1.22
