module example.com/fixtures/crosspkg

go 1.22
