module example.com/fixtures/tickernotstopped

go 1.22
