module example.com/fixtures/tickernotstopped123

go 1.23
