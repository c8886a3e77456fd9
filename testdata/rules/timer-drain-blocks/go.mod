module example.com/fixtures/timerdrainblocks

go 1.25
