module example.com/fixtures/nilfieldchannel

go 1.25
