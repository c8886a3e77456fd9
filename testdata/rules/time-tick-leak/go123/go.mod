module example.com/fixtures/timetickleak123

go 1.23
