module example.com/fixtures/timeafterinloop123

go 1.23
