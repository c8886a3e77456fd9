module example.com/leakyservice

go 1.22
