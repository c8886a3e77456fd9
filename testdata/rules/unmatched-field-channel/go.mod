module example.com/fixtures/unmatchedfieldchannel

go 1.25
