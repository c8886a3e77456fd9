module example.com/fixtures/timeafterinloopnoversion

go 1.27.3
