module example.com/fixtures/timeafterinloop

go 1.21
