module example.com/fixtures/timetickleak

go 1.22
