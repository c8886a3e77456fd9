module example.com/fixtures/blockedonownchannel

go 1.25
